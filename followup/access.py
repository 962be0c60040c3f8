"""Who may read, fill in and take a year's follow-up through its stages: the agreement's access rules, then the
parties' roles (the municipality submits and approves, the police confirm, each writes for its own party)."""

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
    user: AbstractBaseUser | AnonymousUser, pk: int | str, year: int | str, access: Access = Access.READ
) -> FollowUpReport:
    """The agreement's report for the year, under the agreement's access rules. EDIT is filling it in: 403 for a
    user who writes for none of the parties, and 403 with the reason once the report is confirmed; the parties the
    user writes for are kept on the report as `user_writing_parties`."""
    agreement = get_agreement_for_user(user, id_or_404(pk))  # some addresses give the id as typed
    try:
        report = FollowUpReport.objects.get(agreement=agreement, year=year)
    except FollowUpReport.DoesNotExist:
        raise Http404 from None
    report.agreement = agreement
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


def writing_parties(user: AbstractBaseUser, agreement: Agreement) -> dict[int, int | None]:
    """The parties for which the user fills in the follow-up, each with the party that reports for it when that is
    not the party itself: the security unit writes for its municipality, the municipal police officer for the
    police, and the municipality's editors for a partner with no users of its own (a housing company)."""
    memberships = Membership.objects.filter(
        user=user, role__in=WRITING_ROLES, organisation__agreement_parties__agreement=agreement
    ).values_list("organisation_id", "organisation__kind", "role")
    writing: dict[int, int | None] = {}
    municipality = None
    for organisation, kind, role in memberships:
        writing[organisation] = None
        if kind == Organisation.Kind.MUNICIPALITY and role == Membership.Role.EDITOR:
            municipality = organisation
    if municipality is not None:
        without_users = (
            Organisation.objects.filter(agreement_parties__agreement=agreement)
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


def may_submit(user: AbstractBaseUser, agreement: Agreement) -> bool:
    """The municipality's security unit hands the year to the police."""
    return _member_of(user, agreement, [Membership.Role.EDITOR], MUNICIPAL)


def may_confirm(user: AbstractBaseUser, agreement: Agreement) -> bool:
    """A reviewer of one of the police parties confirms the police's part."""
    return _member_of(user, agreement, [Membership.Role.REVIEWER], Organisation.POLICE_KINDS)


def may_approve(user: AbstractBaseUser, agreement: Agreement) -> bool:
    """The council (or the security unit on its behalf) records the approval."""
    return _member_of(
        user, agreement, [Membership.Role.READER, Membership.Role.EDITOR], [Organisation.Kind.MUNICIPALITY]
    )


def report_permissions(user: AbstractBaseUser, report: FollowUpReport) -> dict:
    """What the report's page offers the user at the report's stage, for a report fetched with
    `get_report_for_user`."""
    agreement = report.agreement
    writing = writing_parties(user, agreement)
    return {
        "writing_parties": writing,
        "can_fill_in": bool(writing) and report.is_open_for_outcomes,
        "can_submit": report.stage == FollowUpReport.Stage.DRAFT and may_submit(user, agreement),
        "can_confirm": report.stage == FollowUpReport.Stage.SUBMITTED and agreement.user_can_review,
        "can_approve": report.stage == FollowUpReport.Stage.CONFIRMED and may_approve(user, agreement),
    }
