""" "Att göra" for each party's consent: approving the draft for a party the user acts for, once the police have
accepted every commitment, and signing for it once every party has approved the draft as it stands."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from agreements.models import Agreement
from focusareas.models import ReviewEntry
from focusareas.services import agreement_check_ready_for_signing
from samverkan.lib.todo import TodoItem

from .consent import ACTING_ROLES, standings
from .services import agreement_fingerprint


def items_for(user) -> Iterator[TodoItem]:
    if not user.is_authenticated:
        return
    in_review = Agreement.objects.filter(
        status=Agreement.Status.REVIEW,
        party_links__organisation__memberships__user=user,
        party_links__organisation__memberships__role__in=ACTING_ROLES,
    ).distinct()
    for agreement in in_review:
        try:
            agreement_check_ready_for_signing(agreement)
        except ValidationError:
            continue  # the police's review comes first
        party_standings = standings(agreement, current=agreement_fingerprint(agreement), user=user)
        url = f"{agreement.get_absolute_url()}#consent"
        if all(s.approved for s in party_standings):
            since = max(s.approval.created_at for s in party_standings)
            for standing in party_standings:
                if standing.user_acts and not standing.signed and not agreement.is_citizen_promise:
                    what = _("Sign for %(party)s") % {"party": standing.party.party_name}
                    yield TodoItem(what=what, document=agreement.title, url=url, since=since)
            continue
        accepted = ReviewEntry.objects.filter(commitment__agreement=agreement, kind=ReviewEntry.Kind.ACCEPTED)
        since = accepted.aggregate(last=Max("created_at"))["last"] or agreement.updated_at
        for standing in party_standings:
            if standing.user_acts and not standing.approved:
                what = _("Approve the draft for %(party)s") % {"party": standing.party.party_name}
                yield TodoItem(what=what, document=agreement.title, url=url, since=since)
