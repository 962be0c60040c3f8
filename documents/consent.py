"""Where each party stands in consenting to the agreement (its approval of the draft, its signature), and who may
give that consent for it: a user of the party, or the municipality's editor for a party without users."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from agreements.models import Agreement, Membership, Organisation, Party

from .models import Approval, PartySignature

# The roles that act for their organisation; readers (the council) read.
ACTING_ROLES = (Membership.Role.EDITOR, Membership.Role.REVIEWER)


def acting_for(user, agreement_id: int) -> dict[int, bool]:
    """The parties (organisation ids) the user may approve and sign for, each with whether it is on behalf of a
    party without users of its own (by an editor of a municipality that is party to the agreement)."""
    if not user.is_authenticated:
        return {}
    rows = list(
        Membership.objects.filter(
            organisation__agreement_parties__agreement_id=agreement_id, role__in=ACTING_ROLES, user__is_active=True
        ).values_list("organisation_id", "organisation__kind", "user_id", "role")
    )
    acting = {organisation: False for organisation, _, member, _ in rows if member == user.pk}
    municipal_editor = any(
        member == user.pk and kind == Organisation.Kind.MUNICIPALITY and role == Membership.Role.EDITOR
        for _, kind, member, role in rows
    )
    if municipal_editor:
        with_users = {organisation for organisation, *_ in rows}
        parties = Party.objects.filter(agreement_id=agreement_id).values_list("organisation_id", flat=True)
        acting |= {organisation: True for organisation in parties if organisation not in with_users}
    return acting


def on_behalf(user, agreement_id: int, party: Organisation) -> bool:
    """Whether the user acts for the party on its behalf; PermissionDenied if the user may not act for it."""
    acting = acting_for(user, agreement_id)
    if party.pk not in acting:
        raise PermissionDenied
    return acting[party.pk]


@dataclass
class Standing:
    """One party's consent to the agreement as it stands now (`current`, its fingerprint)."""

    party: Organisation
    current: str
    approval: Approval | None  # the party's latest
    signature: PartySignature | None  # the party's latest
    user_acts: bool = False
    user_on_behalf: bool = False

    @property
    def approved(self) -> bool:
        return self.approval is not None and self.approval.fingerprint == self.current

    @property
    def approval_withdrawn(self) -> bool:
        """Approved once, but the draft has changed since."""
        return self.approval is not None and not self.approved

    @property
    def signed(self) -> bool:
        return self.signature is not None and self.signature.fingerprint == self.current


def standings(agreement: Agreement, *, current: str, user=None) -> list[Standing]:
    """Each party's standing, in the agreement's party order, with whether `user` may act for it."""
    approvals = {a.party_id: a for a in Approval.objects.filter(agreement=agreement).select_related("recorded_by")}
    signatures = {
        s.party_id: s
        for s in PartySignature.objects.filter(agreement=agreement).select_related("recorded_by", "signed_page")
    }
    acting = acting_for(user, agreement.pk) if user is not None else {}
    return [
        Standing(
            party=party,
            current=current,
            approval=approvals.get(party.pk),
            signature=signatures.get(party.pk),
            user_acts=party.pk in acting,
            user_on_behalf=acting.get(party.pk, False),
        )
        for party in Organisation.objects.parties_of(agreement.pk)
    ]
