"""Focus areas, rows, commitments, goals and action plans are reached through their agreement's access rules."""

from __future__ import annotations

from django.db import models
from django.http import Http404, HttpRequest

from agreements.access import get_agreement_for_user
from agreements.models import Agreement

from .models import ActivityRow


def get_item_for_user(request: HttpRequest, model: type[models.Model], pk: int, *, write: bool = False):
    """The item with its agreement (annotated with the user's permissions): 404 for outsiders, 403 read-only."""
    related = "focus_area" if model is ActivityRow else "agreement"
    try:
        item = model.objects.select_related(related).get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None
    owner = item.focus_area if model is ActivityRow else item
    owner.agreement = get_agreement_for_user(request, owner.agreement_id, write=write)
    return item


def agreement_of(item: models.Model) -> Agreement:
    return item.focus_area.agreement if isinstance(item, ActivityRow) else item.agreement
