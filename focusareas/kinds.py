"""The kinds of item written on the focus-area workbench, declared once: the URLs, the views, the templates and
the tests take their names, models, forms and anchors from here."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import models

from .forms import ActionPlanForm, ActivityRowForm, CommitmentForm, FocusAreaForm, FocusAreaSectionForm, GoalForm
from .models import ActionPlan, ActivityRow, Commitment, FocusArea, FocusAreaSection, Goal


@dataclass(frozen=True)
class ItemKind:
    """One kind of item: the name its move and delete URLs use (/atagande/3/ta-bort/), its model and form, and
    the prefix of its element's id on the workbench (#commitment-3), where a saved item is shown."""

    name: str
    model: type[models.Model]
    form: type[forms.ModelForm]
    anchor: str


ITEM_KINDS: dict[str, ItemKind] = {
    kind.name: kind
    for kind in (
        ItemKind("fokusomrade", FocusArea, FocusAreaForm, "focus-area"),
        ItemKind("delavsnitt", FocusAreaSection, FocusAreaSectionForm, "focus-area-section"),
        ItemKind("aktivitet", ActivityRow, ActivityRowForm, "row"),
        ItemKind("atagande", Commitment, CommitmentForm, "commitment"),
        ItemKind("mal", Goal, GoalForm, "goal"),
        ItemKind("handlingsplan", ActionPlan, ActionPlanForm, "plan"),
    )
}

_BY_MODEL = {kind.model: kind for kind in ITEM_KINDS.values()}


def kind_of(item: models.Model) -> ItemKind:
    """The kind of a focus area, focus area section, activity row, commitment, goal or action plan."""
    return _BY_MODEL[type(item)]
