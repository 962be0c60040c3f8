"""Follow-up belongs to the agreement, not to one revision of it: the revisions of an agreement (each made from the
one before, `previous_revision`) share their follow-up years, and the items of an earlier revision are the current
one's when they read the same."""

from __future__ import annotations

from django.db.models import Model

from agreements.models import Agreement
from focusareas.models import ActivityRow, Commitment, FocusArea, Indicator

# What makes an item of one revision the same item in another: a commitment reworded in a revision is a new one.
SAME_ITEM = {
    Commitment: ("agreement_id", "text"),
    ActivityRow: ("focus_area__agreement_id", "activity"),
    Indicator: ("goal__agreement_id", "name"),
    FocusArea: ("agreement_id", "title"),
}


def revision_chain(agreement: Agreement, *, later: bool = False) -> list[int]:
    """The ids of the agreement's revisions up to it, the first one first, and with `later` the ones after it too (a
    query per revision beyond the agreement itself: there are few)."""
    earlier = []
    previous = agreement.previous_revision_id
    while previous is not None:
        earlier.append(previous)
        previous = Agreement.objects.filter(pk=previous).values_list("previous_revision_id", flat=True).first()
    after = []
    current = agreement.pk
    while later and (
        current := Agreement.objects.filter(previous_revision_id=current).values_list("pk", flat=True).first()
    ):
        after.append(current)
    return [*reversed(earlier), agreement.pk, *after]


def same_items(agreement: Agreement, chain: list[int], model: type[Model]) -> dict[int, int]:
    """For the model's items of every revision in the chain: the id of the same item in `agreement` (its own items
    map to themselves; an item no longer there maps to nothing)."""
    if chain == [agreement.pk]:
        return _Same()
    owner, key = SAME_ITEM[model]
    rows = model.objects.filter(**{f"{owner.removesuffix('_id')}__in": chain}).values_list("pk", owner, key)
    current = {text: pk for pk, agreement_id, text in rows if agreement_id == agreement.pk}
    return {pk: current[text] for pk, _agreement_id, text in rows if text in current}


class _Same(dict):
    """Every item is itself: an agreement with no other revision, for which no query is needed."""

    def get(self, key, default=None):
        return key

    def __getitem__(self, key):
        return key
