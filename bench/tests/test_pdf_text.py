"""Making the PDFs quicker to lay out changes nothing a reader gets: the text of a fixed agreement and of its annual
report, page by page, is the text the product printed before (stored in fixtures/), and the PDF stays a tagged
PDF/A-3u with its data attached.

To store the text anew after a change meant to alter what is printed (and only then):
`PDF_TEXT_WRITE=1 pytest -n 0 bench/tests/test_pdf_text.py`, and read the fixtures' diff before committing it."""

from __future__ import annotations

import os
import re
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from bench.management.commands.benchmark_pdf import Size, build_large_agreement, filled_in_follow_up
from documents.pdf import DATA_ATTACHMENT, agreement_pdf
from followup.pdf import annual_report_pdf

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
# Half of the benchmark's large agreement: six focus areas of five rows, with commitments, goals and indicators,
# every kind of content the large one has, on about a dozen pages.
SIZE = Size.scaled(0.5)


def page_texts(pdf: bytes) -> str:
    """The PDF's text as pypdf extracts it, page by page, without the spaces that end a line."""
    pages = PdfReader(BytesIO(pdf)).pages
    return "".join(
        f"--- page {number} ---\n" + "\n".join(line.rstrip() for line in page.extract_text().splitlines()) + "\n"
        for number, page in enumerate(pages, start=1)
    )


def assert_same_text(pdf: bytes, name: str) -> None:
    fixture = FIXTURES / name
    text = page_texts(pdf)
    if os.environ.get("PDF_TEXT_WRITE"):
        fixture.write_text(text, encoding="utf-8")
    assert text == fixture.read_text(encoding="utf-8")


def assert_archival_and_tagged(reader: PdfReader) -> None:
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance[^A-Z]*U", xmp)
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in reader.trailer["/Root"]


@pytest.fixture
def large_agreement():
    return build_large_agreement(size=SIZE)


def test_the_agreement_prints_the_same_text(large_agreement):
    pdf = agreement_pdf(large_agreement)

    assert_same_text(pdf, "large_agreement.txt")
    reader = PdfReader(BytesIO(pdf))
    assert_archival_and_tagged(reader)
    assert list(reader.attachments) == [DATA_ATTACHMENT]


def test_the_annual_report_prints_the_same_text(large_agreement):
    report = filled_in_follow_up(large_agreement)

    pdf = annual_report_pdf(report)

    assert_same_text(pdf, "annual_report.txt")
    reader = PdfReader(BytesIO(pdf))
    assert_archival_and_tagged(reader)
    assert list(reader.attachments) == [f"uppfoljning-{report.year}.json"]
