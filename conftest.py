"""Fixtures shared by every app's tests: one agreement, its organisations and a user for each role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from agreements.models import Agreement, Membership, Organisation
from agreements.tests.factories import (
    AgreementFactory,
    MembershipFactory,
    OrganisationFactory,
    PoliceAreaFactory,
    UserFactory,
)

pytest_plugins = ["samverkan.tests.browser"]


@dataclass
class World:
    """Two police areas with their municipalities, and users in each role."""

    municipality: Organisation
    neighbour: Organisation
    police: Organisation
    other_municipality: Organisation
    other_police: Organisation
    agreement: Agreement
    neighbour_agreement: Agreement
    other_agreement: Agreement


@pytest.fixture
def world(db) -> World:
    municipality = OrganisationFactory(name="Hamnstads kommun")
    neighbour = OrganisationFactory(name="Slättby kommun")
    police = PoliceAreaFactory(name="Lokalpolisområde Hamnstad")
    other_municipality = OrganisationFactory(name="Skogsås kommun")
    other_police = PoliceAreaFactory(name="Lokalpolisområde Skogsås")
    return World(
        municipality=municipality,
        neighbour=neighbour,
        police=police,
        other_municipality=other_municipality,
        other_police=other_police,
        agreement=AgreementFactory(title="Samverkansöverenskommelse Hamnstad", parties=[municipality, police]),
        neighbour_agreement=AgreementFactory(title="Samverkansöverenskommelse Slättby", parties=[neighbour, police]),
        other_agreement=AgreementFactory(
            title="Samverkansöverenskommelse Skogsås", parties=[other_municipality, other_police]
        ),
    )


def _member(organisation: Organisation, role: str, username: str):
    return MembershipFactory(user=UserFactory(username=username), organisation=organisation, role=role).user


@pytest.fixture
def editor(world):
    """Security unit staff of the agreement's municipality."""
    return _member(world.municipality, Membership.Role.EDITOR, "editor")


@pytest.fixture
def reviewer(world):
    """A municipal police officer of the agreement's police area."""
    return _member(world.police, Membership.Role.REVIEWER, "reviewer")


@pytest.fixture
def reader(world):
    """A council member of the agreement's municipality."""
    return _member(world.municipality, Membership.Role.READER, "reader")


@pytest.fixture
def outsider(world):
    """An editor in an unrelated municipality."""
    return _member(world.other_municipality, Membership.Role.EDITOR, "outsider")


@pytest.fixture
def other_police_reviewer(world):
    """A reviewer in an unrelated police area."""
    return _member(world.other_police, Membership.Role.REVIEWER, "otherpolice")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def swedish() -> None:
    """Every test starts in Swedish, whatever language an earlier request in the same thread switched to."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    """Archived PDFs and uploads of a test go to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_pdf_cache() -> None:
    """Every test lays its PDFs out itself: what it checks is the rendering, not an earlier test's."""
    caches["pdf"].clear()
