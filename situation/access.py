"""Who may see and change a municipality's situation picture: its own users, and the police of the police areas
that have an agreement with it."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from agreements.models import Membership, Organisation, Party
from samverkan.lib.access import Access

from .models import Week, YearlyPicture

APPROVED_MESSAGE = _("The council has approved the situation picture; it can no longer be changed.")
WEEK = re.compile(r"(?P<year>[0-9]{4})-W(?P<week>[0-9]{2})")


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


def monday_of_label(label: str) -> date:
    """The Monday of an ISO week as written in an address (2026-W47); 404 for anything else."""
    match = WEEK.fullmatch(label)
    if not match:
        raise Http404
    try:
        return date.fromisocalendar(int(match["year"]), int(match["week"]), 1)
    except ValueError:
        raise Http404 from None


def get_week_for_user(
    user: AbstractBaseUser | AnonymousUser, pk: int, label: str, access: Access = Access.READ
) -> Week:
    """The municipality's week under the municipality's rules. EDIT is writing the meeting's notes: 403 for all but
    those who meet (the security unit and the police of the municipality's agreements)."""
    municipality = get_municipality_for_user(user, pk)
    try:
        week = Week.objects.get(municipality=municipality, monday=monday_of_label(label))
    except Week.DoesNotExist:
        raise Http404 from None
    week.municipality = municipality
    if access is not Access.READ and not municipality.user_meets:
        raise PermissionDenied
    return week


def get_yearly_for_user(
    user: AbstractBaseUser | AnonymousUser, pk: int, year: int, access: Access = Access.READ
) -> tuple[Organisation, YearlyPicture | None]:
    """The municipality and its situation picture of the year (None while unwritten), under the municipality's
    rules. EDIT is writing it: the security unit's, and 403 with the reason once the council has approved it."""
    if not 2000 <= int(year) <= 2100:
        raise Http404
    municipality = get_municipality_for_user(user, pk, access)
    picture = YearlyPicture.objects.filter(municipality=municipality, year=year).first()
    if access is not Access.READ and picture is not None and picture.is_frozen:
        raise PermissionDenied(APPROVED_MESSAGE)
    return municipality, picture


def may_approve(user: AbstractBaseUser, municipality: Organisation) -> bool:
    """The council (or the security unit on its behalf) records the approval of the yearly situation picture."""
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user, organisation=municipality, role__in=[Membership.Role.READER, Membership.Role.EDITOR]
        ).exists()
    )


def municipalities_met_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Organisation]:
    """The municipalities whose weekly meeting the user takes part in: as its security unit, or as the police of one
    of its agreements."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    police_agreements = Party.objects.filter(
        organisation__kind__in=Organisation.POLICE_KINDS,
        organisation__memberships__user=user,
        organisation__memberships__role=Membership.Role.REVIEWER,
    ).values("agreement_id")
    return Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).filter(
        Q(pk__in=Membership.objects.filter(user=user, role=Membership.Role.EDITOR).values("organisation_id"))
        | Q(pk__in=Party.objects.filter(agreement_id__in=police_agreements).values("organisation_id"))
    )
