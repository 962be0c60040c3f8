"""The annual report as a PDF for the council."""

import json
from io import BytesIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from followup.models import CommitmentOutcome, IndicatorValue
from followup.pdf import annual_report_pdf
from followup.services import report_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(signed_agreement):
    first = report_start(agreement=signed_agreement, year=2023, copy_previous=False)
    IndicatorValue.objects.filter(report=first).update(value=110)
    report = report_start(agreement=signed_agreement, year=2024, copy_previous=True)
    IndicatorValue.objects.filter(report=report).update(value=97)
    CommitmentOutcome.objects.filter(report=report, commitment__text="polisens krogtillsyner").update(
        status="done", achieved=6
    )
    return report


def test_the_annual_report_holds_every_commitment_its_status_and_the_indicator_chart(report):
    reader = PdfReader(BytesIO(annual_report_pdf(report)))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    for expected in (
        "polisens krogtillsyner",
        "kommunens tillsynsbesök",
        "gemensam vandring",
        "Avloppsanalyser",
        "Genomförd",
        "Ej påbörjad",
        "Anmälda narkotikabrott",
        "UTKAST",
    ):
        assert expected in text, expected
    chart_page = next(page for page in pages if "Anmälda narkotikabrott" in page and "2023" in page)
    assert "110" in chart_page and "97" in chart_page and "120" in chart_page  # both years and the baseline
    assert all(f"Sida {n} av {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert reader.metadata.title.startswith("Uppföljning 2024")
    (attached,) = reader.attachments["uppfoljning-2024.json"]
    data = json.loads(attached)
    assert data["year"] == 2024 and data["focus_areas"][0]["indicators"][0]["values"] == {
        "2023": "110.00",
        "2024": "97.00",
    }


def test_the_command_writes_the_report(report, tmp_path):
    call_command("followup_pdf", str(report.agreement_id), "2024", "-o", str(tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
