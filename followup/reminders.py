"""Reminders of the follow-up: before a year's (or period's) deadline to the parties whose turn it is, and the weekly
summary of what waits for each user ("Att göra") and what is late. Each is sent once per period
(agreements.mail.send_once)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from agreements.mail import send_once
from agreements.models import Membership, Organisation
from samverkan.lib import todo

from .access import WRITING_ROLES
from .models import FollowUpDeadline, FollowUpReport

Stage = FollowUpReport.Stage
Role = Membership.Role

# Whose turn it is at each stage of a year's follow-up (None: not started yet): the same rules as followup.access.
_TURN = {
    None: Q(role=Role.EDITOR, organisation__kind__in=Organisation.MUNICIPAL_KINDS)
    | Q(role=Role.REVIEWER, organisation__kind__in=Organisation.POLICE_KINDS),
    Stage.DRAFT: Q(role=Role.EDITOR, organisation__kind__in=Organisation.MUNICIPAL_KINDS)
    | Q(role=Role.REVIEWER, organisation__kind__in=Organisation.POLICE_KINDS),
    Stage.SUBMITTED: Q(role=Role.REVIEWER, organisation__kind__in=Organisation.POLICE_KINDS),
    Stage.CONFIRMED: Q(role__in=[Role.READER, Role.EDITOR], organisation__kind=Organisation.Kind.MUNICIPALITY),
}


def _responsible(deadline: FollowUpDeadline, stage: str | None) -> QuerySet[Membership]:
    agreement = deadline.agreement
    turn = _TURN[stage]
    if agreement.followed_up_by_one_side and stage in (None, Stage.DRAFT):
        # The side that follows the agreement up alone fills it in and confirms it.
        turn = Q(role__in=WRITING_ROLES, organisation__kind__in=agreement.following_up_kinds)
    return Membership.objects.filter(turn, organisation__agreement_parties__agreement=deadline.agreement_id)


def send_deadline_reminders(*, today: date) -> int:
    """Remind the users whose turn it is of each year's follow-up due within the reminder days: on the first run
    within each step (30, 14 and 3 days before by default), once per step; a deadline moved starts its steps again.
    The number of e-mails sent."""
    steps = sorted(settings.FOLLOW_UP_REMINDER_DAYS)
    if not steps:
        return 0
    report = FollowUpReport.objects.filter(
        agreement=OuterRef("agreement"), year=OuterRef("year"), period=OuterRef("period")
    )
    deadlines = (
        FollowUpDeadline.objects.filter(due_on__gte=today, due_on__lte=today + timedelta(days=steps[-1]))
        .annotate(stage=Subquery(report.values("stage")[:1]))
        .exclude(Exists(report.filter(stage=Stage.APPROVED)))
        .select_related("agreement")
        .order_by("pk")
    )
    sent = 0
    for deadline in deadlines:
        left = (deadline.due_on - today).days
        step = min(days for days in steps if left <= days)
        sent += send_once(
            reminder="followup_deadline",
            about=f"{deadline.pk}:{deadline.due_on.isoformat()}",
            period=str(step),
            members=_responsible(deadline, deadline.stage),
            context={
                "title": deadline.agreement.title,
                "year": deadline.period_label,
                "due": deadline.due_on.isoformat(),
                "note": deadline.note,
                "days": left,
                "link": settings.SITE_URL + reverse("followup:index", args=[deadline.agreement_id]),
            },
        )
    return sent


def send_weekly_digest(*, week_of: date) -> int:
    """To each user who wants e-mail and has something waiting: their "Att göra", what of it is late, and the
    follow-ups of their agreements past their deadline. Once per user and week. The number of e-mails sent."""
    users = (
        get_user_model()
        .objects.filter(Exists(Membership.objects.addressed().filter(user=OuterRef("pk"))))
        .order_by("pk")
    )
    sent = 0
    for user in users:
        items = todo.items_for(user)
        overdue = list(
            FollowUpDeadline.objects.overdue(week_of)
            .filter(agreement__party_links__organisation__memberships__user=user)
            .select_related("agreement")
            .distinct()
            .order_by("due_on", "pk")
        )
        if not items and not overdue:
            continue
        sent += send_once(
            reminder="weekly_digest",
            about="todo",
            period=week_of.isoformat(),
            members=Membership.objects.filter(user=user),
            context={
                "items": [
                    {"what": i.what, "document": i.document, "link": settings.SITE_URL + i.url, "due": i.due}
                    for i in items
                ],
                "overdue": overdue,
                "link": settings.SITE_URL + reverse("home"),
            },
        )
    return sent
