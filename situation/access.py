"""Who may see and change a municipality's situation picture: its own users, and the police of the police areas
that have an agreement with it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from agreements.models import Membership, Organisation, Party
from samverkan.lib.access import Access


def municipalities_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organisation]:
    """The municipalities whose situation picture the user may see: their own, and for a police user those their
    police area has an agreement with; staff see all."""
    municipalities = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    if not user.is_authenticated:
        return municipalities.none()
    if user.is_staff or user.is_superuser:
        return municipalities
    police_agreements = Party.objects.filter(
        organisation__kind__in=Organisation.POLICE_KINDS, organisation__memberships__user=user
    ).values("agreement_id")
    return municipalities.filter(
        Q(pk__in=Membership.objects.filter(user=user).values("organisation_id"))
        | Q(pk__in=Party.objects.filter(agreement_id__in=police_agreements).values("organisation_id"))
    )


def get_municipality_for_user(
    user: AbstractBaseUser | AnonymousUser, pk: int, access: Access = Access.READ
) -> Organisation:
    """The municipality if the user may see its situation picture (404 otherwise), with `user_is_editor` (its
    security unit, who set up the survey and write the yearly documents) and `user_meets` (the security unit and the
    police of its agreements: they hold the weekly meeting and read the police's notes). EDIT is the set-up: 403
    for everyone but the security unit."""
    police_party = Party.objects.filter(
        agreement__parties=OuterRef("pk"),
        organisation__kind__in=Organisation.POLICE_KINDS,
        organisation__memberships__user=user.pk,
        organisation__memberships__role=Membership.Role.REVIEWER,
    )
    editor = Membership.objects.filter(organisation=OuterRef("pk"), user=user.pk, role=Membership.Role.EDITOR)
    try:
        municipality = (
            municipalities_visible_to(user)
            .annotate(user_is_editor=Exists(editor), user_is_police=Exists(police_party))
            .get(pk=pk)
        )
    except Organisation.DoesNotExist:
        raise Http404 from None
    if user.is_superuser:
        municipality.user_is_editor = True
    municipality.user_meets = municipality.user_is_editor or municipality.user_is_police
    if access is not Access.READ and not municipality.user_is_editor:
        raise PermissionDenied
    return municipality
