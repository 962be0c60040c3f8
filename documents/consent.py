"""Where each party stands in consenting to the agreement (its approval of the draft, its signature), and who may
give that consent for it: a user of the party, or the municipality's editor for a party without users."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from agreements.models import Agreement, Membership, Organisation, Party

from .models import Approval, PartySignature

# The roles that act for their organisation; readers (the council) read.
ACTING_ROLES = (Membership.Role.EDITOR, Membership.Role.REVIEWER)


def acting_for(user, agreement_id: int) -> dict[int, bool]:
    """The parties (organisation ids) the user may approve and sign for, each with whether it is on behalf of a
    party without users of its own (by an editor of a municipality that is party to the agreement)."""
    return acting_for_each(user, [agreement_id])[agreement_id]


def acting_for_each(user, agreement_ids: Collection[int]) -> dict[int, dict[int, bool]]:
    """`acting_for` for each of several agreements, in the same queries however many."""
    acting: dict[int, dict[int, bool]] = {pk: {} for pk in agreement_ids}
    if not user.is_authenticated:
        return acting
    rows = list(
        Membership.objects.filter(
            organisation__agreement_parties__agreement_id__in=agreement_ids,
            role__in=ACTING_ROLES,
            user__is_active=True,
        ).values_list(
            "organisation__agreement_parties__agreement_id", "organisation_id", "organisation__kind", "user_id", "role"
        )
    )
    with_users: dict[int, set[int]] = defaultdict(set)
    municipal_editor = set()
    for agreement_id, organisation, kind, member, role in rows:
        with_users[agreement_id].add(organisation)
        if member == user.pk:
            acting[agreement_id][organisation] = False
            if kind == Organisation.Kind.MUNICIPALITY and role == Membership.Role.EDITOR:
                municipal_editor.add(agreement_id)
    if municipal_editor:
        parties = Party.objects.filter(agreement_id__in=municipal_editor).values_list("agreement_id", "organisation_id")
        for agreement_id, organisation in parties:
            if organisation not in with_users[agreement_id]:
                acting[agreement_id][organisation] = True
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
    return standings_of_each([agreement.pk], current={agreement.pk: current}, user=user)[agreement.pk]


def standings_of_each(
    agreement_ids: Collection[int], *, current: dict[int, str], user=None
) -> dict[int, list[Standing]]:
    """`standings` of several agreements (`current` holding each one's fingerprint), in the same queries however
    many."""
    # What each approved is read only to show a party what changed since, on a page of its own.
    approvals = {
        (a.agreement_id, a.party_id): a
        for a in Approval.objects.filter(agreement__in=agreement_ids).defer("content").select_related("recorded_by")
    }
    signatures = {
        (s.agreement_id, s.party_id): s
        for s in PartySignature.objects.filter(agreement__in=agreement_ids).select_related("recorded_by", "signed_page")
    }
    acting = acting_for_each(user, agreement_ids) if user is not None else {}
    each: dict[int, list[Standing]] = {pk: [] for pk in agreement_ids}
    for party in Organisation.objects.parties_of_each(agreement_ids):
        agreement_id = party.party_agreement
        user_acting = acting.get(agreement_id, {})
        each[agreement_id].append(
            Standing(
                party=party,
                current=current[agreement_id],
                approval=approvals.get((agreement_id, party.pk)),
                signature=signatures.get((agreement_id, party.pk)),
                user_acts=party.pk in user_acting,
                user_on_behalf=user_acting.get(party.pk, False),
            )
        )
    return each
