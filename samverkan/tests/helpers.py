"""Helpers more than one app's tests use: the world of the shared fixtures, the pages each app offers on an
agreement and what its forms post.

Test files import these from here, never from one another, so a test file can change without breaking another.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from agreements.models import Agreement, Organisation
from agreements.tests.factories import (
    AgreementFactory,
    MembershipFactory,
    OrganisationFactory,
    PoliceAreaFactory,
    SectionFactory,
    UserFactory,
)
from samverkan.lib.versions import StaleEdit

# Tests create many users; the production hasher is slow on purpose.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


def build_world() -> World:
    """The organisations and agreements behind the `world` fixture, for fixtures of a wider scope too."""
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


def member(organisation: Organisation, role: str, username: str):
    """A new user with `role` in `organisation`."""
    return MembershipFactory(user=UserFactory(username=username), organisation=organisation, role=role).user


T = TypeVar("T")


def built_once(django_db_blocker, build: Callable[[], T], *, media_root: Path) -> Iterator[T]:
    """For a module- or session-scoped fixture: `build()` the rows once, in a transaction that is rolled back when
    the fixture ends; each test meanwhile runs in a savepoint of it, so the rows it reads are the same for every
    test. Settings and language are those the function-scoped autouse fixtures give a test."""
    with (
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
        translation.override(settings.LANGUAGE_CODE),
    ):
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                built = build()
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
        try:
            yield built
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


# The agreements app's pages on one agreement: (url name, needs a section, method, is a write)
AGREEMENT_PAGES = [
    ("documents:detail", False, "get", False),
    ("agreements:history", False, "get", False),
    ("agreements:edit", False, "get", True),
    ("agreements:edit", False, "post", True),
    ("agreements:section_add", False, "get", True),
    ("agreements:section_add", False, "post", True),
    ("agreements:section_edit", True, "get", True),
    ("agreements:section_edit", True, "post", True),
    ("agreements:section_move", True, "post", True),
    ("agreements:section_delete", True, "get", True),
    ("agreements:section_delete", True, "post", True),
]


def agreement_page_url(name: str, world, with_section: bool) -> str:
    """The url of one of `AGREEMENT_PAGES` on the agreement of `world`, with a section made for it if it needs one."""
    if with_section:
        section = SectionFactory(agreement=world.agreement)
        kwargs = {"pk": section.pk}
        if name == "agreements:section_move":
            kwargs["direction"] = "up"
        return reverse(name, kwargs=kwargs)
    if name == "agreements:section_add":
        return reverse(name, kwargs={"pk": world.agreement.pk, "part": "appendix"})
    return reverse(name, kwargs={"pk": world.agreement.pk})


def management(prefix: str, total: int, initial: int = 0) -> dict:
    """A formset's management form: `total` forms of which `initial` are existing rows."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def edit_data(agreement: Agreement, **overrides) -> dict:
    """What the agreement's edit page posts back unchanged."""
    parties = list(agreement.party_links.all())
    signatories = list(agreement.signatories.all())
    forums = list(agreement.forums.all())
    data = {
        "loaded_version": str(agreement.version),
        "kind": agreement.kind,
        "title": agreement.title,
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat() if agreement.end_date else "",
        "revision_interval_years": agreement.revision_interval_years or "",
        "first_follow_up_year": agreement.first_follow_up_year or "",
        "follow_up_frequency": str(agreement.follow_up_frequency),
        "followed_up_by": agreement.followed_up_by,
        "purpose": agreement.purpose,
        "overall_goals": agreement.overall_goals,
        "copies": str(agreement.copies),
        **management("parties", len(parties), len(parties)),
        **management("signatories", len(signatories), len(signatories)),
        **management("forums", len(forums), len(forums)),
    }
    if agreement.lists_focus_areas:
        data["lists_focus_areas"] = "on"
    for i, party in enumerate(parties):
        data[f"parties-{i}-id"] = str(party.pk)
        data[f"parties-{i}-organisation"] = str(party.organisation_id)
        data[f"parties-{i}-display_name"] = party.display_name
    for i, signatory in enumerate(signatories):
        data |= {
            f"signatories-{i}-id": str(signatory.pk),
            f"signatories-{i}-name": signatory.name,
            f"signatories-{i}-title": signatory.title,
            f"signatories-{i}-party": str(signatory.party_id),
            f"signatories-{i}-order": str(signatory.order),
        }
    for i, forum in enumerate(forums):
        data |= {f"forums-{i}-id": str(forum.pk), f"forums-{i}-name": forum.name}
    data.update(overrides)
    return data


def race(*calls) -> list[str]:
    """Run the calls in threads, each on its own connection, released together; what became of each."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(index: int, call) -> None:
        try:
            barrier.wait()
            call()
            outcomes[index] = "won"
        except (StaleEdit, ValidationError):
            outcomes[index] = "refused"
        except Exception as error:  # reported, so that the assertion says what went wrong
            outcomes[index] = f"error: {error!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


needs_real_concurrency = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables between threads (SQLITE_LOCKED, no waiting), so "
    "concurrent writers fail instead of queueing; the race runs on PostgreSQL",
)
