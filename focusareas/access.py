"""Focus areas, rows, commitments, goals and action plans are reached through their agreement's access rules."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import Http404

from agreements.access import get_agreement_for_user
from agreements.models import Agreement
from samverkan.lib.access import Access

from .models import ActivityRow


def get_item_for_user(
    user: AbstractBaseUser | AnonymousUser, model: type[models.Model], pk: int, access: Access = Access.READ
):
    """The item with its agreement (annotated with the user's permissions): 404 for outsiders, 403 read-only."""
    related = "focus_area" if model is ActivityRow else "agreement"
    try:
        item = model.objects.select_related(related).get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None
    owner = item.focus_area if model is ActivityRow else item
    owner.agreement = get_agreement_for_user(user, owner.agreement_id, access)
    return item


def agreement_of(item: models.Model) -> Agreement:
    return item.focus_area.agreement if isinstance(item, ActivityRow) else item.agreement
