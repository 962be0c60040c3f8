"""The annual report as a PDF for the council."""

import json
import re
from datetime import date
from io import BytesIO

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from followup.models import CommitmentOutcome, FollowUpReport, IndicatorValue
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


def test_the_approval_line_is_never_alone_on_its_page(report):
    FollowUpReport.objects.filter(pk=report.pk).update(approved_on=date(2025, 3, 4), case_number="KS 2025/123")

    def printed_with(lines: int) -> list[str]:
        text = "\n".join(f"Slutsats {n:03}." for n in range(1, lines + 1))
        FollowUpReport.objects.filter(pk=report.pk).update(conclusions=text)
        reader = PdfReader(BytesIO(annual_report_pdf(FollowUpReport.objects.get(pk=report.pk))))
        return [page.extract_text() for page in reader.pages]

    # The parties' conclusions end exactly at the foot of a page: the approval after them finds no room there.
    pages = printed_with(90)
    first = next(page for page in pages if "Slutsats 001." in page)
    pages = printed_with(max(map(int, re.findall(r"Slutsats (\d+)\.", first))))
    approval = next(page for page in pages if "diarienummer KS 2025/123" in page)
    assert "Godkänd av kommunstyrelsen den 2025-03-04" in approval
    assert "Slutsats" in approval  # the end of the conclusions came along


def struct_elements(reader: PdfReader) -> list[dict]:
    """Every element of the PDF's tag tree."""
    found, waiting = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while waiting:
        node = waiting.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            waiting += node
        elif isinstance(node, dict):
            found.append(node)
            waiting.append(node.get("/K", []))
    return found


def test_the_charts_print_as_figures_named_by_their_indicator_and_values(report):
    reader = PdfReader(BytesIO(annual_report_pdf(report)))

    figures = [str(e.get("/Alt", "")) for e in struct_elements(reader) if e.get("/S") == "/Figure"]
    chart = next(alt for alt in figures if alt.startswith("Anmälda narkotikabrott: "))
    assert "110 (2023), 97 (2024)" in chart
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Målvärde" in text and "Utgångsvärde" in text  # the chart's own words are drawn as text
