"""Focus areas, rows, commitments, goals and action plans are reached through their agreement's access rules; the
police's review of the commitments has rules of its own."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import Http404

from agreements.access import get_agreement_for_user
from agreements.models import Agreement
from samverkan.lib.access import Access

from .models import ActivityRow, FocusAreaSection

# The items that reach their agreement through their focus area.
_UNDER_FOCUS_AREA = (ActivityRow, FocusAreaSection)


def get_item_for_user(
    user: AbstractBaseUser | AnonymousUser, model: type[models.Model], pk: int, access: Access = Access.READ
):
    """The item with its agreement (annotated with the user's permissions): 404 for outsiders, 403 read-only."""
    related = "focus_area" if model in _UNDER_FOCUS_AREA else "agreement"
    try:
        item = model.objects.select_related(related).get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None
    owner = item.focus_area if model in _UNDER_FOCUS_AREA else item
    owner.agreement = get_agreement_for_user(user, owner.agreement_id, access)
    return item


def agreement_of(item: models.Model) -> Agreement:
    return item.focus_area.agreement if isinstance(item, _UNDER_FOCUS_AREA) else item.agreement


def may_review(user: AbstractBaseUser, agreement: Agreement) -> bool:
    """A reviewer of one of the agreement's police parties accepts commitments or asks for changes: nobody else
    decides on the police's behalf. Asked of the database, so that a membership ended meanwhile counts."""
    return Agreement.objects.with_permissions(user).filter(pk=agreement.pk, user_can_review=True).exists()


def may_comment_on_review(agreement: Agreement) -> bool:
    """For an agreement fetched with the user's permissions: its editors (while it is a draft) and the police's
    reviewers write in the review threads."""
    return agreement.user_can_edit or agreement.user_can_review
