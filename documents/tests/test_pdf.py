"""The agreement's PDF: content, table of contents, metadata, archival form and the attached data."""

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from pypdf import PdfReader

from agreements.models import Agreement, Section, Signatory
from agreements.tests.factories import SectionFactory, SignatoryFactory
from documents.attachment import agreement_data
from documents.document import build_document
from documents.pdf import DATA_ATTACHMENT, agreement_pdf
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    IndicatorFactory,
)
from samverkan.lib import pdf
from samverkan.lib.pdf import LocalFetcher, RefusedResource, pdf_roots
from samverkan.tests.helpers import World, build_world, built_once

pytestmark = pytest.mark.django_db
LONG_TEXT = (
    "<p>" + " ".join(["Kommunen och polisen följer upp arbetet varje vecka i det operativa mötet."] * 40) + "</p>"
)


@pytest.fixture
def agreement(world):
    return build_agreement(world)


def build_agreement(world: World) -> Agreement:
    agreement = world.agreement
    SectionFactory(agreement=agreement, part="agreement", heading="Inledning", body=LONG_TEXT)
    background = SectionFactory(agreement=agreement, heading="Bakgrund och uppdrag", body=LONG_TEXT, order=0)
    SectionFactory(agreement=agreement, heading="Ansvar", parent=background, body=LONG_TEXT)
    placement = SectionFactory(agreement=agreement, heading="Fokusområden 2023–2026", order=1)
    SectionFactory(agreement=agreement, heading="Uppföljning och utvärdering", body=LONG_TEXT, order=2)
    for title in ("Misshandel", "Narkotika", "Hamnen"):
        focus_area = FocusAreaFactory(agreement=agreement, placement=placement, title=title)
        for _ in range(8):
            ActivityRowFactory(focus_area=focus_area, measure="Rad ett\nRad två\nRad tre")
        CommitmentFactory(focus_area=focus_area, parties=[world.police], text=f"genomföra insatser mot {title}")
        IndicatorFactory(goal__focus_area=focus_area, goal__text=f"Målet för {title}")
    # A long Swedish compound in a narrow column, which only hyphenation keeps inside its cell.
    ActivityRowFactory(focus_area=focus_area, activity="Samverkansöverenskommelsebilagorna")
    plan = ActionPlanFactory(agreement=agreement, title="Handlingsplan 2024")
    CommitmentFactory(focus_area=focus_area, action_plan=plan, parties=[world.police], text="patrullera i hamnen")
    SignatoryFactory(agreement=agreement, party=world.municipality, name="Anna Ek", title="Ordförande", order=0)
    SignatoryFactory(agreement=agreement, party=world.police, name="Bo Lind", title="Lokalpolisområdeschef", order=1)
    return Agreement.objects.get(pk=agreement.pk)


@dataclass(frozen=True)
class Printed:
    """The agreement printed once, for the tests that only read its PDF, with what they compare it to."""

    pdf: bytes
    title: str
    data: dict  # the agreement's data export, as the PDF should carry it
    appendix_headings: int  # Bilaga 1's headings, its action plans included
    warnings: list[logging.LogRecord]  # WeasyPrint's warnings and errors while it printed
    signed_pdf: bytes  # the same agreement once signed


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def print_agreement() -> Printed:
    agreement = build_agreement(build_world())
    collected = Collected()
    logging.getLogger("weasyprint").addHandler(collected)
    try:
        pdf = agreement_pdf(agreement)
    finally:
        logging.getLogger("weasyprint").removeHandler(collected)
    document = build_document(agreement)
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.SIGNED, signing_place="Hamnstad", signing_date=date(2024, 3, 12)
    )
    Signatory.objects.filter(agreement=agreement, name="Anna Ek").update(signed_on=date(2024, 3, 12))
    Signatory.objects.filter(agreement=agreement, name="Bo Lind").update(signed_on=date(2024, 3, 14))
    return Printed(
        pdf=pdf,
        title=agreement.title,
        data=agreement_data(document),
        appendix_headings=len(document.appendix) + len(document.action_plans),
        warnings=collected.records,
        signed_pdf=agreement_pdf(Agreement.objects.get(pk=agreement.pk)),
    )


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Printed]:
    """Laid out once for the module: several tests read the same PDF."""
    yield from built_once(django_db_blocker, print_agreement, media_root=tmp_path_factory.mktemp("media"))


def read(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(BytesIO(pdf))
    return reader, [page.extract_text() for page in reader.pages]


def test_everything_of_the_agreement_is_in_the_pdf(printed):
    _, pages = read(printed.pdf)
    text = "\n".join(pages)
    assert len(pages) >= 6
    for expected in (
        printed.title,
        "Inledning",
        "Bilaga 1",
        "1.1. Ansvar",
        "2.1. Misshandel",
        "2.3. Hamnen",
        "genomföra insatser mot Narkotika",
        "Lokalpolisområde Hamnstad förbinder sig att",
        "Målet för Hamnen",
        "Anna Ek",
        "Lokalpolisområdeschef",
        "Aktivitet",
        "Mål/Effekt",
    ):
        assert expected in text, expected
    assert text.index("Anna Ek") < text.index("Bo Lind")  # signatories in their order
    # The cover carries no page number; every other page its own, of all, and the running header.
    assert "Sida" not in pages[0]
    assert all(f"Sida {n} av {len(pages)}" in page for n, page in enumerate(pages[1:], start=2))
    assert all("Hamnstads kommun" in page for page in pages)
    assert "Rad ett\nRad två\nRad tre" in text  # a cell's lines as typed


def test_the_cover_names_the_document_its_parties_period_and_status(printed):
    _, draft = read(printed.pdf)
    cover = draft[0]
    assert "Hamnstads kommun\nLokalpolisområde Hamnstad" in cover  # the parties, one a line
    cover = " ".join(cover.split())
    for expected in (
        "SAMVERKANSÖVERENSKOMMELSE OM BROTTSFÖREBYGGANDE ARBETE",
        printed.title,
        "Period: 1 januari 2023 – 31 december 2026",
        "Utkast",
    ):
        assert expected in cover, expected
    assert "Inledning" not in cover  # the cover has its page; the document begins after it
    _, signed = read(printed.signed_pdf)
    assert "Undertecknad den 12 mars 2024" in signed[0] and "Utkast" not in signed[0]


def test_a_signed_pdf_says_who_signed_and_when_and_a_draft_leaves_lines_to_sign_on(printed):
    _, signed = read(printed.signed_pdf)
    text = " ".join(" ".join(signed).split())
    assert "Undertecknad den 12 mars 2024 av Anna Ek, Ordförande" in text
    assert "Undertecknad den 14 mars 2024 av Bo Lind, Lokalpolisområdeschef" in text
    _, draft = read(printed.pdf)
    assert "Undertecknad den" not in " ".join(draft)
    assert "Anna Ek\nOrdförande" in "\n".join(draft)  # under the line to sign on


def bookmarks(reader: PdfReader) -> dict[str, int]:
    """Heading -> page number (1-based), from the PDF's outline."""
    found = {}

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found[item.title.strip()] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    return found


def contents(page: str) -> list[tuple[str, int]]:
    """A table of contents' entries as (heading, page number), as the page reads them."""
    entries = re.findall(r"^(.+?) (\d+)$", page, flags=re.MULTILINE)
    return [(heading.strip(), int(number)) for heading, number in entries if not heading.startswith("Sida ")]


def test_the_tables_of_contents_give_the_pages_where_the_headings_are(printed):
    reader, pages = read(printed.pdf)
    outline = bookmarks(reader)
    document_toc, appendix_toc = [page for page in pages if "Innehållsförteckning" in page]
    assert document_toc == pages[1] and "Bilaga 1" in appendix_toc

    # The whole document's: the agreement's headings, then Bilaga 1 with its main headings and action plans.
    entries = dict(contents(document_toc))
    assert {"Syfte", "1. Inledning", "Bilaga 1", "2. Fokusområden 2023–2026", "Handlingsplan 2024"} <= set(entries)
    assert entries["Bilaga 1"] == outline["Bilaga 1"] and "Bilaga 1" in pages[entries["Bilaga 1"] - 1]
    for heading in ("Syfte", "1. Inledning", "2. Fokusområden 2023–2026", "Handlingsplan 2024"):
        assert outline[heading] == entries[heading], heading

    # Bilaga 1's own: every heading of the appendix and its action plans, with its page and no dot leader.
    entries = contents(appendix_toc.split("Innehållsförteckning", 1)[1])
    assert len(entries) == printed.appendix_headings
    for heading, page in entries:
        assert outline[heading] == page, heading
    assert entries[-1] == ("Handlingsplan 2024", outline["Handlingsplan 2024"])
    assert "...." not in appendix_toc + document_toc
    # The outline holds every heading, so readers can jump to each.
    assert {"Bakgrund och uppdrag", "Inledning"} <= {h.split(". ", 1)[-1] for h in outline}


def test_swedish_words_are_hyphenated(printed):
    _, pages = read(printed.pdf)
    # "Samverkansöverenskommelsebilagorna" is wider than its column: split at a syllable, with a hyphen.
    assert re.search(r"Samverkans[\w\n]*\u2010\n[\w\u2010\n]*bilagorna", "\n".join(pages))


def test_metadata_language_and_archival_form(printed):
    reader, _ = read(printed.pdf)
    assert reader.metadata.title == printed.title
    assert reader.metadata.author == "Hamnstads kommun, Lokalpolisområde Hamnstad"
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged for screen readers
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance[^A-Z]*U", xmp)


def test_the_agreements_data_is_attached(printed):
    reader, _ = read(printed.pdf)
    (attached,) = reader.attachments[DATA_ATTACHMENT]
    assert json.loads(attached) == printed.data
    assert json.loads(attached)["appendix"][3]["commitments"][0]["text"] == "genomföra insatser mot Misshandel"


def test_fonts_are_our_own_and_embedded(printed):
    reader, _ = read(printed.pdf)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor
            fonts.add(str(descriptor["/FontName"]).split("+", 1)[1])
    assert fonts <= {"Liberation-Sans", "Liberation-Sans-Bold", "Liberation-Sans-Italic", "Liberation-Sans-BoldItalic"}
    assert not [r for r in printed.warnings if r.name == "weasyprint" and r.levelname in ("WARNING", "ERROR")]


def test_only_a_draft_carries_the_watermark(printed):
    _, draft = read(printed.pdf)
    assert all("UTKAST" in page for page in draft)
    _, signed = read(printed.signed_pdf)
    assert not any("UTKAST" in page for page in signed)


def test_the_fetcher_reads_only_our_own_files():
    fetch = LocalFetcher({"/static/": settings.BASE_DIR / "static"})
    assert b".bg-primary-dark" in fetch("file:///static/css/samverkan.css").read()
    for url in (
        "http://127.0.0.1:8000/static/css/samverkan.css",
        "https://example.com/font.ttf",
        "file:///static/../manage.py",
        "file:///etc/passwd",
        "file://evil/static/css/samverkan.css",
        "data:text/plain,hej",
        "data:image/png;base64,iVBORw0KGgo=",
    ):
        with pytest.raises((RefusedResource, ValueError)):
            fetch(url)
    # An SVG image in a data: URL, as the charts print, carries its content: nothing is read for it.
    assert fetch("data:image/svg+xml;base64,PHN2Zy8+").read() == b"<svg/>"


def test_a_script_or_remote_image_in_a_section_never_reaches_the_pdf(agreement, caplog):
    SectionFactory(
        agreement=agreement, heading="Farligt", body='<img src="http://example.com/x.png"><script>x</script>'
    )
    _, pages = read(agreement_pdf(agreement))
    assert "Farligt" in "\n".join(pages)
    assert not [r for r in caplog.records if "example.com" in r.getMessage()]  # sanitised before rendering


def test_a_draft_printed_again_is_laid_out_once_until_it_changes(agreement, monkeypatch):
    layouts = []
    render = pdf._render
    monkeypatch.setattr(pdf, "_render", lambda html, **options: layouts.append(html) or render(html, **options))

    assert agreement_pdf(agreement) == agreement_pdf(Agreement.objects.get(pk=agreement.pk))
    assert len(layouts) == 1

    SectionFactory(agreement=agreement, heading="Ett nytt avsnitt")
    _, pages = read(agreement_pdf(agreement))
    assert len(layouts) == 2
    assert "Ett nytt avsnitt" in "\n".join(pages)


def link_addresses(pdf: bytes) -> list[str]:
    """Every URI a link annotation in the PDF opens."""
    reader = PdfReader(BytesIO(pdf))
    return [
        str(annotation.get_object()["/A"]["/URI"])
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    ]


def test_links_in_the_pdf_lead_to_the_web_or_our_site_never_to_files(agreement, settings):
    settings.SITE_URL = "https://samverkan.example.se"
    section = SectionFactory(agreement=agreement, heading="Länkar")
    # Stored past the sanitiser (before today's rules, or by an SQL update): the PDF cleans it again.
    Section.objects.filter(pk=section.pk).update(
        body='<p><a href="//fileserver/share">share</a> <a href="rapporter/2025.pdf">relative</a> '
        '<a href="file:///etc/passwd">file</a> <a href="/agreements/3/">ours</a> '
        '<a href="https://bra.se/statistik">bra</a> <a href="mailto:trygghet@hamnstad.se">mail</a></p>'
    )
    pdf = agreement_pdf(Agreement.objects.get(pk=agreement.pk))
    addresses = link_addresses(pdf)
    assert not [a for a in addresses if not a.startswith(("https:", "http:", "mailto:"))]
    assert {"https://samverkan.example.se/agreements/3/", "https://bra.se/statistik"} <= set(addresses)
    assert "mailto:trygghet@hamnstad.se" in addresses
    assert "share" in "\n".join(read(pdf)[1])  # the link's text stays, without its address


def test_the_pdf_reads_our_fonts_but_no_uploaded_file(world, settings):
    """No document shows an upload: another agreement's evidence, or an archive, is not the PDF's to read."""
    evidence = settings.MEDIA_ROOT / "evidence" / f"agreement-{world.other_agreement.pk}.pdf"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"%PDF-1.7 Skogsas")
    fetch = LocalFetcher(pdf_roots())
    assert fetch("file:///static/fonts/liberation-sans/LiberationSans-Regular.ttf").read()
    for url in (
        "file:///media/evidence/" + evidence.name,
        "file:///static/css/samverkan.css",
        "file:///static/fonts/../../manage.py",
    ):
        with pytest.raises(RefusedResource):
            fetch(url)


def page_of(pages: list[str], text: str) -> int:
    return next(i for i, page in enumerate(pages) if text in page)


def test_the_signatures_stay_with_the_closing_text_and_never_stand_alone(world):
    agreement = world.agreement
    SignatoryFactory(agreement=agreement, party=world.municipality, name="Anna Ek", title="Ordförande", order=0)
    SignatoryFactory(agreement=agreement, party=world.police, name="Bo Lind", title="Lokalpolisområdeschef", order=1)

    def printed_with(lines: int) -> list[str]:
        text = "\n".join(f"Uppföljningsrad {n:03}." for n in range(1, lines + 1))
        Agreement.objects.filter(pk=agreement.pk).update(follow_up=text)
        return read(agreement_pdf(Agreement.objects.get(pk=agreement.pk)))[1]

    # Where a long follow-up text, the last text before the closing, runs onto the next page ...
    pages = printed_with(80)
    last_line = max(map(int, re.findall(r"Uppföljningsrad (\d+)\.", pages[page_of(pages, "Uppföljningsrad 001.")])))
    # ... a text that ends there or a few lines before leaves room for the closing text but not the signatures.
    for lines in range(last_line - 4, last_line + 1):
        pages = printed_with(lines)
        closing = page_of(pages, "upprättats i två exemplar")
        assert page_of(pages, "Anna Ek") == page_of(pages, "Bo Lind") == closing, lines
        assert "Uppföljningsrad" in pages[closing], lines  # what comes before comes along


def test_a_table_running_over_pages_repeats_its_header_on_each(world):
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Trafik")
    for n in range(1, 61):
        ActivityRowFactory(focus_area=focus_area, activity=f"Hastighetskontroll {n:02}", measure="Rad ett\nRad två")

    _, pages = read(agreement_pdf(Agreement.objects.get(pk=world.agreement.pk)))

    with_rows = [page for page in pages if "Hastighetskontroll" in page]
    assert len(with_rows) >= 2
    assert all("Aktivitet" in page and "Mål/Effekt" in page for page in with_rows)
