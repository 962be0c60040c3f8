"""The situation benchmark runs end to end and leaves the database as it found it."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agreements.models import Organisation
from situation.models import CrimeCount, Week

pytestmark = pytest.mark.django_db


def test_benchmark_times_the_meeting_page_and_the_import_and_rolls_back():
    out = StringIO()

    call_command("benchmark_situation", "--weeks", "2", "--reporters", "3", "--runs", "1", "--years", "1", stdout=out)

    output = out.getvalue()
    assert re.search(r"^Thursday meeting page\s+\d+\s+\d+\s+\d+$", output, re.MULTILINE), output
    assert "statistics import: 3600 rows, 0 errors" in output
    assert not Organisation.objects.exists() and not Week.objects.exists() and not CrimeCount.objects.exists()


def test_no_weeks_is_refused():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("benchmark_situation", "--weeks", "0", stdout=StringIO())
