"""What the yearly follow-up leaves waiting for a user: a year to fill in and submit (the municipality), to confirm
(the police) or to approve (the council, or the security unit on its behalf)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import Agreement, Membership, Organisation
from samverkan.lib.todo import TodoItem, entered_since

from .models import FollowUpDeadline, FollowUpReport

Stage = FollowUpReport.Stage


def _organisations(memberships, roles, kinds) -> set[int]:
    return {org for org, role, kind in memberships if role in roles and kind in kinds}


def items_for(user) -> Iterator[TodoItem]:
    memberships = list(
        Membership.objects.filter(user=user).values_list("organisation_id", "role", "organisation__kind")
    )
    # The same rules as followup.access's may_submit, may_confirm and may_approve, for all the user's agreements.
    submitting = _organisations(memberships, [Membership.Role.EDITOR], Organisation.MUNICIPAL_KINDS)
    confirming = _organisations(memberships, [Membership.Role.REVIEWER], Organisation.POLICE_KINDS)
    approving = _organisations(
        memberships, [Membership.Role.READER, Membership.Role.EDITOR], [Organisation.Kind.MUNICIPALITY]
    )
    steps = {Stage.DRAFT: submitting, Stage.SUBMITTED: confirming, Stage.CONFIRMED: approving}
    waiting = Q()
    for stage, organisations in steps.items():
        if organisations:
            waiting |= Q(stage=stage, agreement__party_links__organisation__in=organisations)
    if not waiting:
        return
    due_on = FollowUpDeadline.objects.filter(agreement=OuterRef("agreement"), year=OuterRef("year")).values("due_on")
    reports = list(
        FollowUpReport.objects.filter(waiting)
        .annotate(due_on=Subquery(due_on[:1]))
        .select_related("agreement")
        .distinct()
        .order_by("pk")
    )
    history = list(
        FollowUpReport.history.filter(id__in=[r.pk for r in reports])
        .order_by("history_date", "history_id")
        .values_list("id", "stage", "history_date")
    )
    since = {stage: entered_since(history, stage) for stage in steps}
    if submitting:
        # A year with a deadline and no report yet: the municipality's security unit starts it.
        unstarted = (
            FollowUpDeadline.objects.filter(
                agreement__party_links__organisation__in=submitting, agreement__status__in=Agreement.FROZEN_STATUSES
            )
            .exclude(Exists(FollowUpReport.objects.filter(agreement=OuterRef("agreement"), year=OuterRef("year"))))
            .select_related("agreement")
            .distinct()
        )
        for deadline in unstarted:
            yield TodoItem(
                _("Start the follow-up of %(year)s") % {"year": deadline.year},
                deadline.agreement.title,
                reverse("followup:index", args=[deadline.agreement_id]),
                None,
                deadline.due_on,
            )
    for report in reports:
        sent_back = report.stage == Stage.DRAFT and report.sent_back_comment
        what = {
            Stage.DRAFT: _("Sent back by the police: the follow-up of %(year)s")
            if sent_back
            else _("Fill in and submit the follow-up of %(year)s"),
            Stage.SUBMITTED: _("Confirm the follow-up of %(year)s"),
            Stage.CONFIRMED: _("Approve the follow-up of %(year)s"),
        }[report.stage] % {"year": report.year}
        yield TodoItem(
            what,
            report.agreement.title,
            reverse("followup:report", args=[report.agreement_id, report.year]),
            since[report.stage].get(report.pk, report.created_at),
            report.due_on,
        )
