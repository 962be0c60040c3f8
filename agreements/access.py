"""The one place that decides which agreements and sections a user may read or change."""

from __future__ import annotations

import functools
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from samverkan.lib.access import Access
from samverkan.lib.queries import ANY_AGREEMENT, ANY_USER, Prepared

from .models import FROZEN_MESSAGE, Agreement, Figure, Section

# ASCII digits only, and few enough for any id column: str.isdigit() also takes "²" and "①", which int() refuses,
# and int() refuses more than 4300 digits.
ID = re.compile(r"[0-9]{1,18}")


def id_or_404(value: int | str) -> int:
    """An id as an address or a query string gives it; anything that cannot be an id is not found (404)."""
    if isinstance(value, int):
        # An address's <int:pk> takes any number of digits; no id column holds more than 63 bits.
        if not 0 <= value < 2**63:
            raise Http404
        return value
    if not ID.fullmatch(value):
        raise Http404
    return int(value)


@functools.cache
def _readable(*, staff: bool, superuser: bool) -> Prepared:
    """The query of an agreement as a user may read it, with what they may do with it, written once per kind of
    user: Django took longer to build it than the database to run it, on every page of an agreement."""
    user = get_user_model()(pk=ANY_USER, is_staff=staff, is_superuser=superuser)
    readable = Agreement.objects.visible_to(user).with_permissions(user).filter(pk=ANY_AGREEMENT).order_by()
    return Prepared.of(f"samverkan_readable_{int(staff)}{int(superuser)}", readable)


def get_agreement_for_user(user: AbstractBaseUser | AnonymousUser, pk: int, access: Access = Access.READ) -> Agreement:
    """The agreement if the user's organisation is party to it: 404 for outsiders, 403 for read-only users asking to
    change it, and 403 with the reason for an edit of a signed agreement (acting on it as signed is AMEND)."""
    if not user.is_authenticated:
        raise Http404
    readable = _readable(staff=user.is_staff, superuser=user.is_superuser)
    found = list(Agreement.objects.raw(*readable.with_values({ANY_AGREEMENT: id_or_404(pk), ANY_USER: user.pk})))
    if not found:
        raise Http404
    agreement = found[0]
    if access is not Access.READ and not agreement.user_is_editor:
        raise PermissionDenied
    if access is Access.EDIT and agreement.is_frozen:
        raise PermissionDenied(FROZEN_MESSAGE)
    return agreement


def get_section_for_user(user: AbstractBaseUser | AnonymousUser, pk: int, access: Access = Access.READ) -> Section:
    """The section with its agreement, under the same rules as the agreement."""
    try:
        section = Section.objects.select_related("agreement").get(pk=pk)
    except Section.DoesNotExist:
        raise Http404 from None
    section.agreement = get_agreement_for_user(user, section.agreement_id, access)
    return section


def get_figure_for_user(user: AbstractBaseUser | AnonymousUser, pk: int, access: Access = Access.READ) -> Figure:
    """The figure with its section and agreement, under the same rules as the agreement."""
    try:
        figure = Figure.objects.select_related("section").get(pk=pk)
    except Figure.DoesNotExist:
        raise Http404 from None
    figure.section.agreement = get_agreement_for_user(user, figure.section.agreement_id, access)
    return figure
