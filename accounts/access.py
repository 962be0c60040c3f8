"""Who may manage an organisation's users: its administrators, and the system administrator."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from agreements.models import Membership, Organisation


def administers(user, organisation: Organisation) -> bool:
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, organisation=organisation, is_administrator=True).exists()


def get_administered_organisation(user, pk: int) -> Organisation:
    """The organisation, if the user administers it; 403 otherwise (an organisation's name is no secret)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not administers(user, organisation):
        raise PermissionDenied
    return organisation


def get_administered_membership(user, pk: int) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("user", "organisation"), pk=pk)
    if not administers(user, membership.organisation):
        raise PermissionDenied
    return membership


def administers_any(user) -> bool:
    return user.is_superuser or Membership.objects.filter(user=user, is_administrator=True).exists()
