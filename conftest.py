"""Fixtures shared by every app's tests: one agreement, its organisations and a user for each role."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from agreements.models import Membership
from samverkan.tests.helpers import FAST_PASSWORD_HASHERS, World, build_world, member

pytest_plugins = ["samverkan.tests.browser"]


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def editor(world):
    """Security unit staff of the agreement's municipality."""
    return member(world.municipality, Membership.Role.EDITOR, "editor")


@pytest.fixture
def reviewer(world):
    """A municipal police officer of the agreement's police area."""
    return member(world.police, Membership.Role.REVIEWER, "reviewer")


@pytest.fixture
def reader(world):
    """A council member of the agreement's municipality."""
    return member(world.municipality, Membership.Role.READER, "reader")


@pytest.fixture
def outsider(world):
    """An editor in an unrelated municipality."""
    return member(world.other_municipality, Membership.Role.EDITOR, "outsider")


@pytest.fixture
def other_police_reviewer(world):
    """A reviewer in an unrelated police area."""
    return member(world.other_police, Membership.Role.REVIEWER, "otherpolice")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def swedish() -> None:
    """Every test starts in Swedish, whatever language an earlier request in the same thread switched to."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings) -> None:
    """A task enqueued in a test runs there and then; tests of the queue itself choose the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def database_queue(settings) -> None:
    """Tasks go to the database queue, as in production; `work_the_queue()` runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def no_pdfs_in_advance(settings) -> None:
    """A test that commits lays out no PDFs behind its back (tasks run at once); tests of it turn it on."""
    settings.PDF_IN_ADVANCE = False


@pytest.fixture(autouse=True)
def sessions_renewed_rarely(settings) -> None:
    """A session is written when its last renewal is SESSION_RENEW_SECONDS old; on a loaded machine a test can take
    longer than that, and what a page costs must not depend on how long the test took. Tests of it set it back."""
    settings.SESSION_RENEW_SECONDS = 24 * 60 * 60


@pytest.fixture(autouse=True)
def fresh_fragment_cache() -> None:
    """Every test lays its pages out itself: what it checks is the rendering, not an earlier test's (whose rows,
    rolled back, may have had the same ids and versions)."""
    caches["template_fragments"].clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    """Archived PDFs and uploads of a test go to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
