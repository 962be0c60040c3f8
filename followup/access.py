"""Who may read, fill in and take a follow-up through its stages: the agreement's access rules, then the parties'
roles (the municipality submits and approves, the police confirm, each writes for its own party). A citizen promise
followed up by one side is filled in and confirmed by that side alone, and then approved."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from agreements.access import get_agreement_for_user, id_or_404
from agreements.models import Agreement, Membership, Organisation
from samverkan.lib.access import Access

from .models import FollowUpReport

WRITING_ROLES = (Membership.Role.EDITOR, Membership.Role.REVIEWER)
MUNICIPAL = Organisation.MUNICIPAL_KINDS


def get_report_for_user(
    user: AbstractBaseUser | AnonymousUser,
    pk: int | str,
    year: int | str,
    access: Access = Access.READ,
    *,
    period: str = "",
) -> FollowUpReport:
    """The agreement's report for the year, or for the period of it its address names ("kvartal-2"), under the
    agreement's access rules. EDIT is filling it in: 403 for a user who writes for none of the parties that follow
    the agreement up, and 403 with the reason once the report is confirmed; the parties the user writes for are kept
    on the report as `user_writing_parties`."""
    agreement = get_agreement_for_user(user, id_or_404(pk))  # some addresses give the id as typed
    number = int(period.rpartition("-")[2]) if period else 0
    try:
        report = FollowUpReport.objects.get(agreement=agreement, year=year, period=number)
    except FollowUpReport.DoesNotExist:
        raise Http404 from None
    report.agreement = agreement
    if report.period_slug != period:  # a quarter's address for a half-yearly follow-up
        raise Http404
    if access is not Access.READ:
        report.user_writing_parties = writing_parties(user, agreement)
        if not report.user_writing_parties:
            raise PermissionDenied
        if not report.is_open_for_outcomes:
            raise PermissionDenied(_("The follow-up has been confirmed and can no longer be filled in."))
    return report


def may_follow_up(agreement: Agreement) -> bool:
    """For an agreement fetched with the user's permissions: it is signed and the user is one of its editors, who
    start a year's follow-up and write the evaluation of the period."""
    return agreement.is_frozen and agreement.user_is_editor


def may_start(user: AbstractBaseUser, agreement: Agreement) -> bool:
    """Who starts a year's (or period's) follow-up: the agreement's editors, and for a document followed up by one
    side alone (a citizen promise the police follow up), also that side's users who fill it in."""
    if may_follow_up(agreement):
        return True
    return (
        agreement.is_frozen
        and agreement.followed_up_by_one_side
        and _member_of(user, agreement, WRITING_ROLES, agreement.following_up_kinds)
    )


def writing_parties(user: AbstractBaseUser, agreement: Agreement) -> dict[int, int | None]:
    """The parties for which the user fills in the follow-up, each with the party that reports for it when that is
    not the party itself: the security unit writes for its municipality, the municipal police officer for the
    police, and the municipality's editors for a partner with no users of its own (a housing company); only for the
    parties that follow the agreement up."""
    memberships = Membership.objects.filter(
        user=user,
        role__in=WRITING_ROLES,
        organisation__agreement_parties__agreement=agreement,
        organisation__kind__in=agreement.following_up_kinds,
    ).values_list("organisation_id", "organisation__kind", "role")
    writing: dict[int, int | None] = {}
    municipality = None
    for organisation, kind, role in memberships:
        writing[organisation] = None
        if kind == Organisation.Kind.MUNICIPALITY and role == Membership.Role.EDITOR:
            municipality = organisation
    if municipality is not None:
        without_users = (
            Organisation.objects.filter(agreement_parties__agreement=agreement, kind__in=agreement.following_up_kinds)
            .exclude(kind__in=Organisation.POLICE_KINDS)
            .exclude(memberships__role__in=WRITING_ROLES)
        )
        for pk in without_users.values_list("pk", flat=True):
            writing.setdefault(pk, municipality)
    return writing


def _member_of(user: AbstractBaseUser, agreement: Agreement, roles, kinds) -> bool:
    return Membership.objects.filter(
        user=user,
        role__in=roles,
        organisation__kind__in=kinds,
        organisation__agreement_parties__agreement=agreement,
    ).exists()


def confirming_stage(agreement: Agreement) -> str:
    """The stage at which a follow-up waits for its confirmation: submitted by the municipality to the police, or,
    followed up by one side alone, the draft that side fills in and confirms."""
    return FollowUpReport.Stage.DRAFT if agreement.followed_up_by_one_side else FollowUpReport.Stage.SUBMITTED


def may_submit(user: AbstractBaseUser, agreement: Agreement) -> bool:
    """The municipality's security unit hands the year to the police, when both follow the agreement up."""
    return not agreement.followed_up_by_one_side and _member_of(user, agreement, [Membership.Role.EDITOR], MUNICIPAL)


def may_confirm(user: AbstractBaseUser, agreement: Agreement) -> bool:
    """A reviewer of one of the police parties confirms the police's part; a side that follows up alone confirms its
    own, by one of its users who fill it in."""
    if agreement.followed_up_by_one_side:
        return _member_of(user, agreement, WRITING_ROLES, agreement.following_up_kinds)
    return _member_of(user, agreement, [Membership.Role.REVIEWER], Organisation.POLICE_KINDS)


def may_send_back(user: AbstractBaseUser, agreement: Agreement) -> bool:
    """The police send the municipality's submission back; a side following up alone has nobody to send it to."""
    return not agreement.followed_up_by_one_side and may_confirm(user, agreement)


def may_approve(user: AbstractBaseUser, agreement: Agreement) -> bool:
    """The council (or the security unit on its behalf) records the approval."""
    return _member_of(
        user, agreement, [Membership.Role.READER, Membership.Role.EDITOR], [Organisation.Kind.MUNICIPALITY]
    )


def report_permissions(user: AbstractBaseUser, report: FollowUpReport) -> dict:
    """What the report's page offers the user at the report's stage, for a report fetched with
    `get_report_for_user`."""
    agreement = report.agreement
    return {
        "can_fill_in": report.is_open_for_outcomes and bool(writing_parties(user, agreement)),
        "can_submit": report.stage == FollowUpReport.Stage.DRAFT and may_submit(user, agreement),
        "can_confirm": report.stage == confirming_stage(agreement)
        and (may_confirm(user, agreement) if agreement.followed_up_by_one_side else agreement.user_can_review),
        "can_send_back": report.stage == FollowUpReport.Stage.SUBMITTED and agreement.user_can_review,
        "can_approve": report.stage == FollowUpReport.Stage.CONFIRMED and may_approve(user, agreement),
    }
