""" "Att göra" for each party's consent: approving the draft for a party the user acts for, once the police have
accepted every commitment, and signing for it once every party has approved the draft as it stands (publishing it, for
the editors of a citizen promise)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from agreements.models import Agreement
from focusareas.models import ReviewEntry
from focusareas.services import signing_obstacles
from samverkan.lib.todo import TodoItem

from .consent import ACTING_ROLES, standings_of_each
from .services import agreement_fingerprints


def items_for(user) -> Iterator[TodoItem]:
    if not user.is_authenticated:
        return
    in_review = (
        Agreement.objects.filter(
            status=Agreement.Status.REVIEW,
            party_links__organisation__memberships__user=user,
            party_links__organisation__memberships__role__in=ACTING_ROLES,
        )
        .distinct()
        .with_permissions(user)
    )
    obstacles = signing_obstacles(in_review)  # the police's review comes first
    ready = [agreement for agreement in in_review if agreement.pk not in obstacles]
    if not ready:
        return
    ids = [agreement.pk for agreement in ready]
    each = standings_of_each(ids, current=agreement_fingerprints(ids), user=user)
    last_accepted = dict(
        ReviewEntry.objects.filter(commitment__agreement__in=ids, kind=ReviewEntry.Kind.ACCEPTED)
        .values("commitment__agreement")
        .annotate(last=Max("created_at"))
        .values_list("commitment__agreement", "last")
    )
    for agreement in ready:
        party_standings = each[agreement.pk]
        url = f"{agreement.get_absolute_url()}#consent"
        if all(s.approved for s in party_standings):
            since = max(s.approval.created_at for s in party_standings)
            if agreement.is_citizen_promise and agreement.user_is_editor:
                url = reverse("documents:publish", args=[agreement.pk])
                yield TodoItem(_("Every party has approved: publish"), agreement.title, url, since)
            for standing in party_standings:
                if standing.user_acts and not standing.signed and not agreement.is_citizen_promise:
                    what = _("Sign for %(party)s") % {"party": standing.party.party_name}
                    yield TodoItem(what=what, document=agreement.title, url=url, since=since)
            continue
        since = last_accepted.get(agreement.pk) or agreement.updated_at
        for standing in party_standings:
            if standing.user_acts and not standing.approved:
                what = _("Approve the draft for %(party)s") % {"party": standing.party.party_name}
                yield TodoItem(what=what, document=agreement.title, url=url, since=since)
