"""A review that waits too long: the police's reviewers are reminded once it has waited REVIEW_REMINDER_DAYS, and
again after as many more, once per step (agreements.mail.send_once)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse

from agreements.mail import send_once
from agreements.models import Agreement, Membership, Organisation
from samverkan.lib.todo import entered_since

from .models import Commitment


def send_review_reminders(*, today: date) -> int:
    """Remind the police's reviewers of every agreement in review with commitments still awaiting them that was sent
    for review at least REVIEW_REMINDER_DAYS ago. The number of e-mails sent."""
    every = settings.REVIEW_REMINDER_DAYS
    waiting = list(
        Agreement.objects.filter(
            status=Agreement.Status.REVIEW, commitments__review_status=Commitment.ReviewStatus.OPEN
        )
        .distinct()
        .order_by("pk")
    )
    since = entered_since(
        Agreement.history.filter(id__in=[a.pk for a in waiting])
        .order_by("history_date", "history_id")
        .values_list("id", "status", "history_date"),
        Agreement.Status.REVIEW,
    )
    sent = 0
    for agreement in waiting:
        if every <= 0 or agreement.pk not in since:
            continue
        sent_on = since[agreement.pk].date()
        days = (today - sent_on).days
        if days < every:
            continue
        sent += send_once(
            reminder="review_waiting",
            about=f"{agreement.pk}:{sent_on.isoformat()}",
            period=str(days // every),
            members=Membership.objects.filter(
                role=Membership.Role.REVIEWER,
                organisation__kind__in=Organisation.POLICE_KINDS,
                organisation__agreement_parties__agreement=agreement,
            ),
            context={
                "title": agreement.title,
                "since": sent_on.isoformat(),
                "days": days,
                "link": settings.SITE_URL + reverse("focusareas:review", args=[agreement.pk]),
            },
        )
    return sent
