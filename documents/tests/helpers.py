"""Helpers for the tests of the agreement as one document and of the apps above it: each party's consent."""

from __future__ import annotations

from datetime import date

from agreements.models import Agreement, Membership, Organisation
from documents import services as document_services
from samverkan.tests.helpers import member

# A page as a scanner makes it, for the signatures recorded on behalf of a party without users.
SCANNED_PAGE = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def acting_user(organisation: Organisation, agreement: Agreement):
    """A user who acts for the organisation: an editor or reviewer of it or, for a party without users, an editor of
    a municipality among the agreement's parties (who acts on its behalf)."""
    acting = [Membership.Role.EDITOR, Membership.Role.REVIEWER]
    membership = Membership.objects.filter(organisation=organisation, role__in=acting, user__is_active=True).first()
    membership = (
        membership
        or Membership.objects.filter(
            organisation__agreement_parties__agreement=agreement,
            organisation__kind=Organisation.Kind.MUNICIPALITY,
            role=Membership.Role.EDITOR,
            user__is_active=True,
        ).first()
    )
    if membership:
        return membership.user
    role = Membership.Role.REVIEWER if organisation.is_police else Membership.Role.EDITOR
    return member(organisation, role, f"{role}-{organisation.pk}")


def approve_by_every_party(agreement: Agreement) -> None:
    """Each party approves the draft as it stands, by a user who acts for it."""
    for organisation in Organisation.objects.parties_of(agreement.pk):
        document_services.agreement_approve(
            agreement=agreement, party=organisation, user=acting_user(organisation, agreement)
        )


def sign_by_every_party(agreement: Agreement, *, place: str = "Hamnstad", day: date = date(2026, 11, 20)) -> Agreement:
    """Each party approves the draft and then signs it, by a user who acts for it (with the scanned page, on behalf
    of a party without users), as the pages record them; the last signature signs the agreement. Returns it as
    stored."""
    approve_by_every_party(agreement)
    for organisation in Organisation.objects.parties_of(agreement.pk):
        user = acting_user(organisation, agreement)
        behalf = not Membership.objects.filter(user=user, organisation=organisation).exists()
        document_services.agreement_sign(
            agreement=agreement,
            party=organisation,
            user=user,
            signing_place=place,
            signed_on=day,
            signed_page=SCANNED_PAGE if behalf else None,
        )
    return Agreement.objects.get(pk=agreement.pk)
