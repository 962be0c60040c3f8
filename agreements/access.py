"""The one place that decides which agreements and sections a user may read or change."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import FROZEN_MESSAGE, Agreement, Section

# ASCII digits only, and few enough for any id column: str.isdigit() also takes "²" and "①", which int() refuses,
# and int() refuses more than 4300 digits.
ID = re.compile(r"[0-9]{1,18}")


def id_or_404(value: int | str) -> int:
    """An id as an address or a query string gives it; anything that cannot be an id is not found (404)."""
    if isinstance(value, int):
        return value
    if not ID.fullmatch(value):
        raise Http404
    return int(value)


def get_agreement_for_user(request: HttpRequest, pk: int, *, write: bool = False, frozen_ok: bool = False) -> Agreement:
    """The agreement if the user's organisation is party to it: 404 for outsiders, 403 for read-only users,
    and 403 with the reason for changes to a signed agreement (unless the change is a new revision of it)."""
    try:
        agreement = Agreement.objects.visible_to(request.user).with_permissions(request.user).get(pk=pk)
    except Agreement.DoesNotExist:
        raise Http404 from None
    if write and not agreement.user_is_editor:
        raise PermissionDenied
    if write and agreement.is_frozen and not frozen_ok:
        raise PermissionDenied(FROZEN_MESSAGE)
    return agreement


def get_section_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> Section:
    """The section with its agreement, under the same rules as the agreement."""
    try:
        section = Section.objects.select_related("agreement").get(pk=pk)
    except Section.DoesNotExist:
        raise Http404 from None
    section.agreement = get_agreement_for_user(request, section.agreement_id, write=write)
    return section
