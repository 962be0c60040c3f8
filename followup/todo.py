"""What the follow-up leaves waiting for a user: a year (or period) to fill in and submit (the municipality), to confirm
(the police, or the side that follows a citizen promise up alone, which fills it in) or to approve (the council, or
the security unit on its behalf)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import Agreement, Membership, Organisation
from samverkan.lib.todo import TodoItem, entered_since

from .access import WRITING_ROLES
from .models import FollowUpDeadline, FollowUpReport

Stage = FollowUpReport.Stage
FollowedUpBy = Agreement.FollowedUpBy


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
    # A side that follows a citizen promise up alone fills it in and confirms it.
    alone = {
        side: _organisations(memberships, WRITING_ROLES, kinds)
        for side, kinds in (
            (FollowedUpBy.POLICE, Organisation.POLICE_KINDS),
            (FollowedUpBy.MUNICIPALITY, Organisation.MUNICIPAL_KINDS),
        )
    }
    steps = [
        (Stage.DRAFT, Q(agreement__followed_up_by=FollowedUpBy.ALL), submitting),
        (Stage.SUBMITTED, Q(agreement__followed_up_by=FollowedUpBy.ALL), confirming),
        *((Stage.DRAFT, Q(agreement__followed_up_by=side), alone[side]) for side in alone),
        (Stage.CONFIRMED, Q(), approving),
    ]
    waiting = Q()
    for stage, agreements, organisations in steps:
        if organisations:
            waiting |= Q(agreements, stage=stage, agreement__party_links__organisation__in=organisations)
    if not waiting:
        return
    due_on = FollowUpDeadline.objects.filter(
        agreement=OuterRef("agreement"), year=OuterRef("year"), period=OuterRef("period")
    ).values("due_on")
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
    since = {stage: entered_since(history, stage) for stage in Stage.values}
    if submitting:
        # A period with a deadline and no report yet: the municipality's security unit starts it.
        started = FollowUpReport.objects.filter(
            agreement=OuterRef("agreement"), year=OuterRef("year"), period=OuterRef("period")
        )
        unstarted = (
            FollowUpDeadline.objects.filter(
                agreement__party_links__organisation__in=submitting, agreement__status__in=Agreement.FROZEN_STATUSES
            )
            .exclude(Exists(started))
            .select_related("agreement")
            .distinct()
        )
        for deadline in unstarted:
            yield TodoItem(
                _("Start the follow-up of %(year)s") % {"year": deadline.period_label},
                deadline.agreement.title,
                reverse("followup:index", args=[deadline.agreement_id]),
                None,
                deadline.due_on,
            )
    for report in reports:
        sent_back = report.stage == Stage.DRAFT and report.sent_back_comment
        if report.stage == Stage.DRAFT and report.agreement.followed_up_by_one_side:
            what = _("Fill in and confirm the follow-up of %(year)s")
        elif sent_back:
            what = _("Sent back by the police: the follow-up of %(year)s")
        else:
            what = {
                Stage.DRAFT: _("Fill in and submit the follow-up of %(year)s"),
                Stage.SUBMITTED: _("Confirm the follow-up of %(year)s"),
                Stage.CONFIRMED: _("Approve the follow-up of %(year)s"),
            }[report.stage]
        yield TodoItem(
            what % {"year": report.period_label},
            report.agreement.title,
            report.get_absolute_url(),
            since[report.stage].get(report.pk, report.created_at),
            report.due_on,
        )
