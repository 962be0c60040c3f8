"""The PDF button benchmark runs end to end, lays no content out twice and leaves the database as it found it."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agreements.models import Agreement
from samverkan.lib.pdfcache import RenderedPdf

pytestmark = pytest.mark.django_db


def test_benchmark_times_the_button_both_ways_and_rolls_back():
    out = StringIO()

    call_command("benchmark_pdf_button", "--edits", "1", "--scale", "0.1", stdout=out)

    output = out.getvalue()
    assert re.search(r"^laid out on the button\s+1\s+\d+\.\d{3}\s+\d+\.\d{3}", output, re.MULTILINE), output
    assert re.search(r"^laid out in advance\s+1\s+\d+\.\d{3}\s+\d+\.\d{3}", output, re.MULTILINE), output
    # The first press, an edit laid out on the button, one laid out in advance: three contents, each once.
    assert "Layouts: 3 of 3 contents; the most any content was laid out: 1" in output
    assert not Agreement.objects.exists()
    assert not RenderedPdf.objects.exists()


def test_no_edits_is_refused():
    with pytest.raises(CommandError, match="--edits must be at least 1"):
        call_command("benchmark_pdf_button", "--edits", "0", stdout=StringIO())
