"""The demo creates a superuser with a published password, so it refuses to load on a live site."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agreements.models import Agreement

pytestmark = pytest.mark.django_db


def test_refuses_to_run_without_debug_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not Agreement.objects.exists()

    call_command("seed_demo", "--force", stdout=StringIO())
    assert Agreement.objects.count() == 6
