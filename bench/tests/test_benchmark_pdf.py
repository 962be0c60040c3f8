"""The PDF benchmark runs end to end and leaves the database as it found it."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agreements.models import Agreement, Organisation
from agreements.tests.factories import AgreementFactory, OrganisationFactory, PoliceAreaFactory
from bench.management.commands.benchmark_pdf import (
    DEMO_LABEL,
    DEMO_PARTY,
    DEMO_TITLE,
    LARGE_LABEL,
    REPORT_LABEL,
)

pytestmark = pytest.mark.django_db


def pages_of(label: str, output: str) -> int:
    match = re.search(rf"^{re.escape(label)}\s+WeasyPrint\s+(\d+)\s", output, re.MULTILINE)
    assert match, f"no WeasyPrint row for {label!r} in:\n{output}"
    return int(match.group(1))


def test_benchmark_reports_both_documents_and_rolls_the_large_one_back():
    # A stand-in for the demo agreement: seeding the real one would take longer than the benchmark itself.
    AgreementFactory(title=DEMO_TITLE, parties=[OrganisationFactory(name=DEMO_PARTY), PoliceAreaFactory()])
    agreements, organisations = Agreement.objects.count(), Organisation.objects.count()
    out = StringIO()

    # A tenth of the large agreement: one focus area with one row and four commitments go through every step.
    call_command("benchmark_pdf", "--runs", "1", "--skip-chromium", "--scale", "0.1", stdout=out)

    output = out.getvalue()
    assert pages_of(DEMO_LABEL, output) >= 1
    assert pages_of(LARGE_LABEL, output) >= 1
    assert pages_of(REPORT_LABEL, output) >= 1
    assert "1 focus areas × 1 activity rows, 4 commitments" in output
    # The processor time and peak memory of the render's child, and what it was forked with, as the child measured
    # them.
    cpu, peak, forked_with = re.search(
        rf"^{LARGE_LABEL}\s+WeasyPrint\s.*\s(\d+\.\d\d)\s+(\d+) \((\d+)\)$", output, re.M
    ).groups()
    assert 0 < int(forked_with) < int(peak)
    assert float(cpu) > 0
    assert not re.search(r"\bChromium\s+\d+\s", output)  # --skip-chromium: no Chromium rows in the table
    assert Agreement.objects.count() == agreements
    assert Organisation.objects.count() == organisations


@pytest.mark.parametrize("scale", ["0", "1.5"])
def test_a_scale_outside_the_full_size_is_refused(scale):
    with pytest.raises(CommandError, match="--scale must be above 0 and at most 1"):
        call_command("benchmark_pdf", "--skip-chromium", "--scale", scale, stdout=StringIO())
