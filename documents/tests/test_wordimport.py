"""An agreement written in Word comes in whole: sections in both parts, lists, activity tables as focus areas,
signatories, its title and period; what is not recognised stays as text, and images are reported."""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile
import zlib
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from docx.shared import Inches
from playwright.sync_api import expect

from agreements.models import Agreement, Figure, Membership, Section, Signatory, number_sections
from agreements.tests.factories import image_bytes
from documents.jobs import sweep_imports
from documents.views import IMPORT_SESSION_KEY
from documents.wordimport import PlannedImage, agreement_import_docx, plan_from_docx, plan_from_html, read_period
from focusareas.models import FocusArea
from samverkan.lib.schedule import periodic_jobs
from samverkan.tests.browser import assert_accessible, log_in
from samverkan.tests.helpers import member

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    """A one-pixel PNG, to stand for a chart pasted into the document."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 5)) + chunk(b"IEND", b"")
    )


def agreement_docx() -> bytes:
    """An agreement as a municipality writes it in Word: title, period, headings in two levels, a bullet and a
    numbered list, signatures, then Bilaga 1 with a chart, an activity table and a table of figures."""
    document = Document()
    document.add_heading("Samverkansöverenskommelse Hamnstad", level=0)
    document.add_paragraph("Överenskommelsen gäller 2024-01-01 – 2027-12-31.")
    document.add_heading("1. Syfte", level=1)
    document.add_paragraph("Parterna ska tillsammans minska brottsligheten och öka tryggheten.")
    document.add_paragraph("Trygghet i centrum", style="List Bullet")
    document.add_paragraph("Färre bostadsinbrott", style="List Bullet")
    document.add_picture(io.BytesIO(image_bytes(80, 40)), width=Inches(2))
    document.inline_shapes[-1]._inline.docPr.set("descr", "Samverkansmodellen i fyra steg")
    document.add_heading("1.1 Parternas åtaganden", level=2)
    document.add_paragraph("Kartlägga problemen", style="List Number")
    document.add_paragraph("Besluta om åtgärder", style="List Number")
    document.add_heading("2. Underskrifter", level=1)
    document.add_paragraph("Överenskommelsen undertecknas i två exemplar.")
    document.add_paragraph("Hamnstad 2024-01-15")
    document.add_paragraph("För Lokalpolisområde Hamnstad")
    document.add_paragraph("Erik Eriksson")
    document.add_paragraph("Lokalpolisområdeschef")
    document.add_paragraph("För Hamnstads kommun")
    document.add_paragraph("Anna Andersson")
    document.add_paragraph("Kommunstyrelsens ordförande")
    document.add_heading("Bilaga 1", level=1)
    document.add_heading("1. Lägesbild", level=1)
    document.add_paragraph("Anmälda brott har minskat sedan 2020.")
    document.add_picture(io.BytesIO(_png()), width=Inches(1))
    document.add_heading("2. Fokusområden", level=1)
    document.add_heading("2.1 Bostadsinbrott", level=2)
    document.add_paragraph("Inbrotten ökar i villaområdena.")
    table = document.add_table(rows=3, cols=4)
    for column, text in enumerate(["Aktivitet", "ÅTGÄRD ", "Uppföljning", "Mål / effekt"]):
        table.cell(0, column).text = text
    table.cell(1, 0).text = "Grannsamverkan"
    table.cell(1, 1).text = "Starta nya områden"
    table.cell(1, 2).text = "Antal områden"
    table.cell(1, 3).text = "Färre inbrott"
    table.cell(2, 0).text = "Trygghetsvandring"
    table.cell(2, 1).paragraphs[0].text = "Bjuda in boende"
    table.cell(2, 1).add_paragraph("Åtgärda brister")
    table.cell(2, 2).text = "Trygghetsmätning"
    table.cell(2, 3).text = "Ökad trygghet"
    document.add_heading("2.2 Statistik", level=2)
    figures = document.add_table(rows=2, cols=2)
    for (row, column), text in {(0, 0): "År", (0, 1): "Antal", (1, 0): "2023", (1, 1): "42"}.items():
        figures.cell(row, column).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def docx() -> bytes:
    return agreement_docx()


def test_the_plan_reads_title_period_sections_focus_area_signatories_and_the_image(docx):
    plan = plan_from_docx(docx)

    assert plan.title == "Samverkansöverenskommelse Hamnstad"
    assert (plan.start_date, plan.end_date) == (date(2024, 1, 1), date(2027, 12, 31))
    assert [(s.number, s.heading) for s in plan.agreement_sections] == [
        ("1.", "Inledning"),  # the text before the first heading
        ("2.", "Syfte"),
        ("2.1.", "Parternas åtaganden"),
        ("3.", "Underskrifter"),
    ]
    assert [(s.number, s.heading) for s in plan.appendix_sections] == [
        ("1.", "Lägesbild"),
        ("2.", "Fokusområden"),
        ("2.1.", "Statistik"),
    ]
    [focus_area] = plan.focus_areas
    assert focus_area.title == "Bostadsinbrott"
    assert focus_area.placement.heading == "Fokusområden"
    assert focus_area.rows == [
        ("Grannsamverkan", "Starta nya områden", "Antal områden", "Färre inbrott"),
        ("Trygghetsvandring", "Bjuda in boende\nÅtgärda brister", "Trygghetsmätning", "Ökad trygghet"),
    ]
    assert [(s.name, s.title, s.on_behalf_of) for s in plan.signatories] == [
        ("Erik Eriksson", "Lokalpolisområdeschef", "Lokalpolisområde Hamnstad"),
        ("Anna Andersson", "Kommunstyrelsens ordförande", "Hamnstads kommun"),
    ]
    assert [(image.section.heading, image.alt_text, image.extension) for image in plan.images] == [
        ("Syfte", "Samverkansmodellen i fyra steg", "png"),
        ("Lägesbild", "", "png"),  # Word holds no description of the chart
    ]
    assert any("Statistik" in note for note in plan.kept_as_text)


def test_the_draft_is_created_with_both_section_trees_the_focus_area_and_the_signatories(world, docx):
    agreement = agreement_import_docx(plan=plan_from_docx(docx), parties=[world.municipality, world.police])

    assert agreement.status == Agreement.Status.DRAFT
    assert agreement.title == "Samverkansöverenskommelse Hamnstad"
    assert (agreement.start_date, agreement.end_date) == (date(2024, 1, 1), date(2027, 12, 31))
    parts = {
        part: {n.number: n.section for n in number_sections(list(agreement.sections.filter(part=part)))}
        for part in Section.Part.values
    }
    agreement_part = parts[Section.Part.AGREEMENT]
    assert [s.heading for s in agreement_part.values()][1:] == ["Syfte", "Parternas åtaganden", "Underskrifter"]
    assert "Överenskommelsen gäller 2024-01-01" in agreement_part["1."].body
    assert "<ul><li>Trygghet i centrum</li><li>Färre bostadsinbrott</li></ul>" in agreement_part["2."].body
    assert agreement_part["2.1."].parent == agreement_part["2."]
    assert "<ol><li>Kartlägga problemen</li><li>Besluta om åtgärder</li></ol>" in agreement_part["2.1."].body
    # The signature lines become signatories; the sentence on signing stays.
    assert "undertecknas i två exemplar" in agreement_part["3."].body
    assert "Anna Andersson" not in agreement_part["3."].body
    appendix = parts[Section.Part.APPENDIX]
    assert {number: s.heading for number, s in appendix.items()} == {
        "1.": "Lägesbild",
        "2.": "Fokusområden",
        "2.1.": "Statistik",
    }
    assert "<img" not in appendix["1."].body and "<p></p>" not in appendix["1."].body
    # The images are figures of the sections they stood in, the undescribed one marked for its text to be written.
    figures = {figure.section.heading: figure for figure in Figure.objects.filter(section__agreement=agreement)}
    assert figures["Syfte"].alt_text == "Samverkansmodellen i fyra steg" and not figures["Syfte"].alt_text_to_write
    assert (figures["Lägesbild"].alt_text, figures["Lägesbild"].alt_text_to_write) == ("Bild från Word-filen", True)
    assert figures["Lägesbild"].image.read() == _png()
    assert "<table>" in appendix["2.1."].body and "42" in appendix["2.1."].body

    focus_area = FocusArea.objects.get(agreement=agreement)
    assert (focus_area.title, focus_area.placement) == ("Bostadsinbrott", appendix["2."])
    assert "Inbrotten ökar i villaområdena." in focus_area.description
    assert [(r.activity, r.measure) for r in focus_area.rows.order_by("order")] == [
        ("Grannsamverkan", "Starta nya områden"),
        ("Trygghetsvandring", "Bjuda in boende\nÅtgärda brister"),
    ]
    signatories = list(Signatory.objects.filter(agreement=agreement).order_by("order"))
    assert [(s.name, s.party) for s in signatories] == [
        ("Erik Eriksson", world.police),
        ("Anna Andersson", world.municipality),
    ]
    # The place and date of signing are the agreement's, printed by the PDF, not a line of the text.
    assert (agreement.kind, agreement.signing_place, agreement.signing_date) == (
        Agreement.Kind.AGREEMENT,
        "Hamnstad",
        date(2024, 1, 15),
    )
    assert "2024-01-15" not in agreement_part["3."].body


def test_headings_deeper_than_sections_go_stay_headings_in_the_text():
    html = (
        "<h1>Samverkansöverenskommelse</h1><h1>Ett</h1><h2>Två</h2><h3>Tre</h3><h4>Fyra</h4><p>Text</p>"
        "<h2>Två igen</h2>"
    )
    plan = plan_from_html(html)

    assert [(s.number, s.heading) for s in plan.sections] == [
        ("1.", "Ett"),
        ("1.1.", "Två"),
        ("1.1.1.", "Tre"),
        ("1.2.", "Två igen"),
    ]
    assert plan.sections[2].body == "<h4>Fyra</h4><p>Text</p>"


def test_a_section_that_is_only_an_activity_table_is_the_focus_area_in_its_place():
    table = (
        "<table><tr><th>Aktiviteter</th><th>Åtgärder</th><th>Uppföljning</th><th>Mål och effekt</th></tr>"
        "<tr><td>Tillsyn</td><td>Krogbesök</td><td>Antal</td><td>Färre våldsbrott</td></tr></table>"
    )
    plan = plan_from_html(f"<h1>Avtal</h1><p>Bilaga 1</p><h1>Fokusområden</h1><h2>Krogar</h2>{table}")

    assert [s.heading for s in plan.sections] == ["Fokusområden"]
    [focus_area] = plan.focus_areas
    assert (focus_area.title, focus_area.placement.heading) == ("Krogar", "Fokusområden")
    assert focus_area.rows == [("Tillsyn", "Krogbesök", "Antal", "Färre våldsbrott")]


def test_an_activity_table_in_the_agreements_part_is_a_focus_area_shown_where_it_stood():
    table = (
        "<table><tr><th>Aktivitet</th><th>Åtgärd</th><th>Uppföljning</th><th>Mål/Effekt</th></tr>"
        "<tr><td>Gårdsvärdar</td><td>Kvällstid</td><td>EST</td><td>Färre störningar</td></tr></table>"
    )
    plan = plan_from_html(
        f"<h1>Avtal</h1><h1>Aktiviteter</h1><p>Parterna gör följande.</p><h2>Trygga gårdar</h2>{table}"
        "<h1>Underskrifter</h1><p>Se nedan.</p>"
    )

    assert [(s.number, s.heading) for s in plan.sections] == [("1.", "Aktiviteter"), ("2.", "Underskrifter")]
    [focus_area] = plan.focus_areas
    assert (focus_area.title, focus_area.placement.heading, focus_area.rows[0][0]) == (
        "Trygga gårdar",
        "Aktiviteter",
        "Gårdsvärdar",
    )


def test_tables_under_a_shared_heading_are_named_by_the_line_above_them():
    def table(activity: str) -> str:
        return (
            "<table><tr><td><p>Aktivitet</p></td><td><p>Åtgärd</p></td><td><p>Uppföljning</p></td>"
            f"<td><p>Mål/Effekt</p></td></tr><tr><td>{activity}</td><td>a</td><td>b</td><td>c</td></tr></table>"
        )

    html = (
        "<h1>Samverkansöverenskommelse</h1><h1>Bilaga 1</h1><h1>Fokusområden</h1><h2>Brottsstatistik</h2>"
        f"<p>Misshandel</p>{table('Kartlägga misshandel')}<p>Övrig stöld</p>{table('Kartlägga stölder')}"
    )
    plan = plan_from_html(html)

    assert [(s.number, s.heading, s.body) for s in plan.sections] == [
        ("1.", "Fokusområden", ""),
        ("1.1.", "Brottsstatistik", ""),
    ]
    assert [(f.title, f.placement.heading, f.rows[0][0]) for f in plan.focus_areas] == [
        ("Misshandel", "Brottsstatistik", "Kartlägga misshandel"),
        ("Övrig stöld", "Brottsstatistik", "Kartlägga stölder"),
    ]


def test_without_heading_styles_numbered_lines_of_their_own_are_the_headings():
    html = (
        "<p>Samverkansöverenskommelse mellan Slättby kommun och Polismyndigheten</p><p>1. Inledning</p>"
        "<p>Överenskommelsen gäller 2017-2020.</p><p>2. Samverkansområden</p><p>2.1.\tTrygghetsvandringar</p>"
        "<p>1. Detta är en mening i en lista och ingen rubrik.</p>"
    )
    plan = plan_from_html(html)

    assert plan.title == "Samverkansöverenskommelse mellan Slättby kommun och Polismyndigheten"
    assert [(s.number, s.heading) for s in plan.sections] == [
        ("1.", "Inledning"),
        ("2.", "Samverkansområden"),
        ("2.1.", "Trygghetsvandringar"),
    ]
    assert plan.sections[2].body == "<p>1. Detta är en mening i en lista och ingen rubrik.</p>"


def test_without_heading_styles_bold_lines_of_their_own_are_headings_too():
    html = (
        '<p><a id="_Toc1"></a><strong>Samverkansöverenskommelse mellan Slättby kommun och Polisen</strong></p>'
        "<p><strong>Syfte</strong></p><p>Färre brott och en ökad trygghet.</p>"
        "<p>2. Arbetssätt</p><p><strong>Trygghets</strong><strong>vandringar</strong></p><p>Vi går varje höst.</p>"
        "<p><strong>Kommunen förbinder sig att</strong></p><p>bjuda in till vandringarna.</p>"
        "<p><strong>Det här gäller:</strong></p><p>Ett stycke med <strong>fetstil</strong> mitt i.</p>"
        "<p><strong>Sista raden</strong></p>"
    )
    plan = plan_from_html(html)

    assert plan.title == "Samverkansöverenskommelse mellan Slättby kommun och Polisen"
    assert [(s.number, s.heading) for s in plan.sections] == [
        ("1.", "Syfte"),
        ("2.", "Arbetssätt"),
        ("2.1.", "Trygghetsvandringar"),
    ]
    last = plan.sections[2].body
    assert "<p><strong>Kommunen förbinder sig att</strong></p>" in last
    assert "<p><strong>Det här gäller:</strong></p>" in last and "<strong>fetstil</strong> mitt i." in last
    assert last.endswith("<p><strong>Sista raden</strong></p>")


def test_the_documents_own_table_of_contents_is_left_to_the_pdf():
    html = (
        "<h1>Samverkansöverenskommelse</h1><p>Innehåll</p><p>1. Bakgrund 3</p><p>2. Lägesbild ........ 5</p>"
        "<h1>Bakgrund</h1><p>Kommunen ansvarar sedan 2023.</p>"
    )
    plan = plan_from_html(html)

    assert [(s.heading, s.body) for s in plan.sections] == [("Bakgrund", "<p>Kommunen ansvarar sedan 2023.</p>")]


def test_signatures_under_the_parties_names_side_by_side_are_read():
    html = (
        "<h1>Samverkansöverenskommelse</h1><h1>Mål</h1><p>Färre brott.</p><p>Trelleborg 2023-04-24</p>"
        "<p>Trelleborgs kommun</p><p>Polisen</p><p>Ann Andersson</p><p>Kommunstyrelsens ordförande</p>"
        "<p>Lars Larsson</p><p>Lokalpolisområdeschef</p>"
    )
    plan = plan_from_html(html)

    assert [(s.name, s.title, s.on_behalf_of) for s in plan.signatories] == [
        ("Ann Andersson", "Kommunstyrelsens ordförande", "Trelleborgs kommun"),
        ("Lars Larsson", "Lokalpolisområdeschef", "Polisen"),
    ]
    assert plan.sections[0].body == "<p>Färre brott.</p>"  # the place and date are the agreement's fields
    assert (plan.signing_place, plan.signing_date) == ("Trelleborg", date(2023, 4, 24))


def test_signatures_side_by_side_in_a_table_are_read_column_by_column():
    html = (
        "<h1>Samverkansöverenskommelse</h1><h1>Underskrifter</h1><p>Ort och datum</p><table>"
        "<tr><td>För Hamnstads kommun</td><td>För Lokalpolisområde Hamnstad</td></tr>"
        "<tr><td>……………</td><td>……………</td></tr>"
        "<tr><td>Anna Andersson</td><td>Erik Eriksson</td></tr>"
        "<tr><td>Kommundirektör</td><td>Lokalpolisområdeschef</td></tr></table><p>Överenskommelsen diarieförs.</p>"
    )
    plan = plan_from_html(html)

    assert [(s.name, s.title, s.on_behalf_of) for s in plan.signatories] == [
        ("Anna Andersson", "Kommundirektör", "Hamnstads kommun"),
        ("Erik Eriksson", "Lokalpolisområdeschef", "Lokalpolisområde Hamnstad"),
    ]
    assert plan.sections[0].body == "<p>Ort och datum</p><p>Överenskommelsen diarieförs.</p>"


def test_three_signature_blocks_one_after_another_are_all_read():
    html = "<h1>Samverkansöverenskommelse</h1><h1>Underskrifter</h1><p>Parterna har tagit del av texten.</p>"
    for party, name, title in [
        ("Ljusdalens kommun", "Eva Lund", "Kommundirektör"),
        ("Lokalpolisområde Ljusdalen", "Per Berg", "Lokalpolisområdeschef"),
        ("Bostadsbolaget Ljusgården AB", "Sara Nyström", "Verkställande direktör"),
    ]:
        html += f"<p>För {party}</p><p>…………………………</p><p>{name}</p><p>{title}</p>"
    plan = plan_from_html(html)

    assert [(s.name, s.on_behalf_of) for s in plan.signatories] == [
        ("Eva Lund", "Ljusdalens kommun"),
        ("Per Berg", "Lokalpolisområde Ljusdalen"),
        ("Sara Nyström", "Bostadsbolaget Ljusgården AB"),
    ]
    assert plan.sections[0].body == "<p>Parterna har tagit del av texten.</p>"


def _docx(build) -> bytes:
    document = Document()
    document.add_heading("Samverkansöverenskommelse", level=0)
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_list_written_with_words_second_level_list_style_is_nested_in_the_item_above():
    def build(document):
        document.add_heading("Arbetssätt", level=1)
        document.add_paragraph("Kartläggning", style="List Number")
        document.add_paragraph("Analys", style="List Number")
        document.add_paragraph("Orsaker", style="List Number 2")
        document.add_paragraph("Platser och tider", style="List Number 2")
        document.add_paragraph("Åtgärder", style="List Number")
        document.add_paragraph("Centrum", style="List Bullet")
        document.add_paragraph("Stationen", style="List Bullet 2")

    plan = plan_from_docx(_docx(build))

    assert plan.sections[0].body == (
        "<ol><li>Kartläggning</li><li>Analys<ol><li>Orsaker</li><li>Platser och tider</li></ol></li>"
        "<li>Åtgärder</li></ol><ul><li>Centrum<ul><li>Stationen</li></ul></li></ul>"
    )


def test_commitments_that_end_a_section_are_its_commitments_in_the_order_written(world):
    def build(document):
        document.add_heading("Bilaga 1", level=1)
        document.add_heading("Fokusområden", level=1)
        document.add_heading("Narkotika", level=2)
        document.add_paragraph("Narkotikan syns allt mer bland unga.")
        document.add_heading("Trafik", level=2)
        document.add_paragraph("Buskörning med moped är det invånarna oftast tar upp.")
        document.add_paragraph("Polisen förbinder sig att kontrollera mopeder vid skolorna varje vår.")
        document.add_paragraph("Hamnstads kommun förbinder sig att:")
        document.add_paragraph("Erbjuda sommarjobb till minst 200 ungdomar", style="List Bullet")
        document.add_paragraph("Åtgärda klotter inom 48 timmar", style="List Bullet")
        document.add_paragraph("Parterna förbinder sig gemensamt att träffas fyra gånger per år.")

    plan = plan_from_docx(_docx(build))

    assert plan.focus_areas == []
    assert [(s.number, s.heading) for s in plan.appendix_sections] == [
        ("1.", "Fokusområden"),
        ("1.1.", "Narkotika"),
        ("1.2.", "Trafik"),
    ]
    trafik = plan.appendix_sections[2]
    assert trafik.body == "<p>Buskörning med moped är det invånarna oftast tar upp.</p>"
    agreement = agreement_import_docx(plan=plan, parties=[world.municipality, world.police])
    section = agreement.sections.get(heading="Trafik")
    assert [(c.text, {p.name for p in c.parties.all()}) for c in section.commitments.order_by("order")] == [
        ("kontrollera mopeder vid skolorna varje vår.", {"Lokalpolisområde Hamnstad"}),
        ("Erbjuda sommarjobb till minst 200 ungdomar", {"Hamnstads kommun"}),
        ("Åtgärda klotter inom 48 timmar", {"Hamnstads kommun"}),
        ("träffas fyra gånger per år.", {"Hamnstads kommun", "Lokalpolisområde Hamnstad"}),
    ]
    assert not agreement.focus_areas.exists()


def test_commitments_under_a_heading_of_the_agreements_part_stay_in_that_section(world):
    html = (
        "<h1>Samverkansöverenskommelse</h1><h1>Inledning</h1><p>Hamnstad växer.</p><h1>Parternas åtaganden</h1>"
        "<p>Polisen förbinder sig att delta i föräldramöten varje höst.</p>"
        "<p>Kommunen förbinder sig att laga belysningen inom en vecka.</p><h1>Uppföljning</h1><p>Varje år.</p>"
    )
    plan = plan_from_html(html)

    assert [s.heading for s in plan.sections] == ["Inledning", "Parternas åtaganden", "Uppföljning"]
    assert plan.focus_areas == []
    assert [(c.who, c.text) for c in plan.sections[1].commitments] == [
        ("Polisen", "delta i föräldramöten varje höst."),
        ("Kommunen", "laga belysningen inom en vecka."),
    ]
    agreement = agreement_import_docx(plan=plan, parties=[world.municipality, world.police])
    section = agreement.sections.get(heading="Parternas åtaganden")
    assert (section.part, section.body) == (Section.Part.AGREEMENT, "")
    assert [(c.placement, list(c.parties.all())) for c in agreement.commitments.order_by("order")] == [
        (section, [world.police]),
        (section, [world.municipality]),
    ]


def test_a_commitment_mentioned_in_running_prose_stays_prose():
    html = (
        "<h1>Samverkansöverenskommelse</h1><h1>Syfte</h1>"
        "<p>Syftet är att parterna förbinder sig att samverka kring tryggheten.</p>"
        "<p>I överenskommelsen förbinder sig polisen att delta i styrgruppen.</p>"
        "<p>Den som förbinder sig att delta gör det frivilligt.</p>"
        "<p>Kommunen förbinder sig att:</p><p>Se bilagan.</p><p>Detta lovar att bli ett bra år.</p>"
    )
    plan = plan_from_html(html)

    assert plan.focus_areas == []
    assert plan.sections[0].heading == "Syfte"
    assert plan.sections[0].body.count("<p>") == 6


def test_a_commitment_followed_by_other_text_stays_there_so_that_nothing_moves():
    html = (
        "<h1>Samverkansöverenskommelse</h1><h1>Syfte</h1><p>Tryggheten ska öka i hela kommunen.</p>"
        "<p>Parterna förbinder sig att arbeta tillsammans.</p><p>Arbetet följs upp varje år.</p>"
    )
    plan = plan_from_html(html)

    assert plan.sections[0].commitments == []
    assert plan.sections[0].body == (
        "<p>Tryggheten ska öka i hela kommunen.</p><p>Parterna förbinder sig att arbeta tillsammans.</p>"
        "<p>Arbetet följs upp varje år.</p>"
    )
    assert any("Syfte" in note for note in plan.kept_as_text)


def test_a_citizen_promises_purpose_headings_hold_its_promises(world):
    html = (
        "<h1>Medborgarlöfte för Hamnstad 2025</h1><h1>Varför ett medborgarlöfte</h1><p>Dialoger med invånarna.</p>"
        "<h1>Säkrare trafik</h1><p>Polisen lovar att göra minst sex hastighetskontroller.</p>"
        "<h1>Tryggare kvällar</h1><p>Polisen och kommunen lovar tillsammans att vandra vid stationen.</p>"
        "<ul><li>Kommunen lovar att ha öppet på fritidsgården.</li></ul>"
    )
    plan = plan_from_html(html)

    assert plan.focus_areas == []
    assert [(s.heading, [c.who for c in s.commitments]) for s in plan.sections] == [
        ("Varför ett medborgarlöfte", []),
        ("Säkrare trafik", ["Polisen"]),
        ("Tryggare kvällar", ["Polisen och kommunen", "Kommunen"]),
    ]
    agreement = agreement_import_docx(plan=plan, parties=[world.municipality, world.police])
    assert agreement.is_citizen_promise
    promises = [(c.placement.heading, c.text, set(c.parties.all())) for c in agreement.commitments.all()]
    assert promises == [
        ("Säkrare trafik", "göra minst sex hastighetskontroller.", {world.police}),
        ("Tryggare kvällar", "vandra vid stationen.", {world.municipality, world.police}),
        ("Tryggare kvällar", "ha öppet på fritidsgården.", {world.municipality}),
    ]


def test_forums_named_under_a_forums_heading_become_the_agreements_cooperation_forums(world):
    html = (
        "<p>Samverkansöverenskommelse Hamnstad</p><p>1. Syfte</p><p>Styrgrupp: ett ord i löpande text, inget forum.</p>"
        "<p>2. Samverkansforum</p>"
        "<p>Styrgrupp: kommundirektören och lokalpolisområdeschefen, fyra gånger per år</p>"
        "<p>Operativ grupp: säkerhetssamordnaren och kommunpolisen, varje vecka</p><p>3. Beslut</p><p>Beslutat.</p>"
    )
    plan = plan_from_html(html)

    # The forums heading stays a section, empty of text: the forums print in it.
    assert [(s.heading, s.body) for s in plan.sections[1:]] == [("Samverkansforum", ""), ("Beslut", "<p>Beslutat.</p>")]
    assert plan.forums_section is plan.sections[1]
    assert "Styrgrupp" in plan.sections[0].body
    agreement = agreement_import_docx(plan=plan, parties=[world.municipality, world.police])
    assert [(f.name, f.participants, f.meeting_frequency) for f in agreement.forums.all()] == [
        ("Styrgrupp", "kommundirektören och lokalpolisområdeschefen", "fyra gånger per år"),
        ("Operativ grupp", "säkerhetssamordnaren och kommunpolisen", "varje vecka"),
    ]
    assert not agreement.forums_in_appendix
    [forums] = [entry for entry in agreement.layout if entry["block"] == "forums"]
    assert forums["section"] == str(agreement.sections.get(heading="Samverkansforum").key)


def test_forums_listed_in_bilaga_1_are_printed_there_and_other_text_under_the_heading_stays():
    html = (
        "<h1>Avtal</h1><h1>Bilaga 1</h1><h1>Mötesforum</h1><p>Parterna möts i två forum.</p>"
        "<ul><li>Styrgrupp – kvartalsvis möte med cheferna</li><li>Trygghetsrådet: varje månad</li></ul>"
    )
    plan = plan_from_html(html)

    assert [(s.heading, s.body) for s in plan.sections] == [("Mötesforum", "<p>Parterna möts i två forum.</p>")]
    assert [(f.name, f.participants, f.meeting_frequency) for f in plan.forums] == [
        ("Styrgrupp", "", "kvartalsvis möte med cheferna"),
        ("Trygghetsrådet", "", "varje månad"),
    ]
    assert plan.forums_in_appendix


def test_the_copies_clause_sets_the_number_of_copies_instead_of_being_printed_twice(world):
    html = (
        "<h1>Samverkansöverenskommelse</h1><h1>Underskrifter</h1><p>Ort och datum</p>"
        "<p>Överenskommelsen har upprättats i tre likalydande exemplar, varav parterna tagit var sitt.</p>"
        "<p>Bilaga 1</p><h1>Bakgrund</h1><p>Texten har upprättats i två exemplar i bilagan.</p>"
    )
    plan = plan_from_html(html)

    assert plan.copies == 3
    assert [section.body for section in plan.sections] == [
        "<p>Ort och datum</p>",
        "<p>Texten har upprättats i två exemplar i bilagan.</p>",  # the appendix is not the agreement's clause
    ]
    agreement = agreement_import_docx(plan=plan, parties=[world.municipality, world.police])
    assert agreement.copies == 3


@pytest.mark.parametrize(
    ("line", "place", "signed_on"),
    [
        ("Hamnstad 2024-01-15", "Hamnstad", date(2024, 1, 15)),
        ("Trelleborg den 14 mars 2025", "Trelleborg", date(2025, 3, 14)),
        ("Ort och datum: Upplands Väsby, 2023-06-01", "Upplands Väsby", date(2023, 6, 1)),
        ("Gäller från 2024-01-01", "", None),
        ("Hamnstad 2024-02-30", "", None),
    ],
)
def test_the_place_and_date_of_signing_are_read_from_a_line_of_their_own(line, place, signed_on):
    plan = plan_from_html(f"<h1>Samverkansöverenskommelse</h1><h1>Underskrifter</h1><p>Text.</p><p>{line}</p>")

    assert (plan.signing_place, plan.signing_date) == (place, signed_on)
    assert (line in plan.sections[0].body) == (signed_on is None)


def test_a_citizen_promise_is_recognised_by_its_title_or_its_promises(world):
    titled = plan_from_html("<h1>Medborgarlöfte Hamnstad 2025</h1><h1>Löften</h1><p>Vi ska synas.</p>")
    promising = plan_from_html(
        "<h1>Trygghet i Hamnstad</h1><p>Detta är vårt medborgarlöfte.</p>"
        "<ul><li>Polisen lovar att göra fem trafikkontroller.</li><li>Kommunen lovar att laga belysningen.</li></ul>"
    )
    agreement_plan = plan_from_html(
        "<h1>Samverkansöverenskommelse</h1><p>Parterna ska ta fram ett medborgarlöfte.</p><p>Polisen lovar att …</p>"
    )

    assert [titled.kind, promising.kind, agreement_plan.kind] == [
        Agreement.Kind.CITIZEN_PROMISE,
        Agreement.Kind.CITIZEN_PROMISE,
        Agreement.Kind.AGREEMENT,
    ]
    agreement = agreement_import_docx(plan=promising, parties=[world.police, world.municipality])
    assert agreement.is_citizen_promise


def test_uploads_never_confirmed_are_deleted_after_a_day(settings):
    fresh = default_storage.save("imports/fresh.docx", ContentFile(b"PK"))
    abandoned = default_storage.save("imports/abandoned.docx", ContentFile(b"PK"))
    elsewhere = default_storage.save("evidence/old.pdf", ContentFile(b"%PDF"))
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (abandoned, elsewhere):
        os.utime(default_storage.path(path), (two_days_ago, two_days_ago))

    sweep_imports.enqueue(scheduled_for="2026-11-26T04:17:00+01:00")

    assert [default_storage.exists(p) for p in (fresh, abandoned, elsewhere)] == [True, False, True]
    assert "documents.jobs.sweep_imports" in {job.name for job in periodic_jobs()}


def test_an_image_the_product_does_not_take_is_named_as_not_carried(world):
    images = [
        PlannedImage(content=b"\x01\x00\x00\x00 EMF", alt_text="Karta", extension=None, refusal="Endast bilder"),
        PlannedImage(content=image_bytes(), alt_text="Cykeln", extension="png"),
    ]
    html = '<h1>Avtal</h1><h1>Lägesbild</h1><p><img src="figure:0"></p><p>Text.</p><p><img src="figure:1"></p>'

    plan = plan_from_html(html, images=images)

    assert [image.alt_text for image in plan.figures] == ["Cykeln"]
    assert [image.refusal for image in plan.images_not_carried] == ["Endast bilder"]
    agreement = agreement_import_docx(plan=plan, parties=[world.municipality, world.police])
    assert [f.alt_text for f in Figure.objects.filter(section__agreement=agreement)] == ["Cykeln"]


def test_markup_and_control_characters_from_the_file_do_not_come_in(world):
    html = (
        '<h1>Samverkansöverenskommelse</h1><h1>Rubrik\x01</h1><p onclick="x()">Text\x0b här<script>alert(1)</script>'
        '<a href="javascript:alert(1)">länk</a></p>'
    )
    agreement = agreement_import_docx(plan=plan_from_html(html), parties=[world.municipality, world.police])

    section = agreement.sections.get()
    assert section.heading == "Rubrik"
    assert section.body == "<p>Text  härlänk</p>"  # a link whose address goes keeps only its words


@pytest.mark.parametrize(
    "text, period",
    [
        ("Gäller 1 mars 2023 – 28 februari 2027", (date(2023, 3, 1), date(2027, 2, 28), None)),
        ("Samverkansöverenskommelse 2017-2020", (date(2017, 1, 1), date(2020, 12, 31), None)),
        ("Gäller från 2024-07-01 och tills vidare. Den revideras vart tredje år.", (date(2024, 7, 1), None, 3)),
        ("Ingen period här", (None, None, None)),
    ],
)
def test_the_period_is_read_from_dates_years_or_until_further_notice(text, period):
    assert read_period(text) == period


def test_a_file_without_a_period_gets_a_term_to_correct(world):
    plan = plan_from_html("<h1>Medborgarlöfte</h1><p>Vi syns i centrum.</p>")
    agreement = agreement_import_docx(plan=plan, parties=[world.municipality, world.police])

    this_year = date.today().year
    assert (agreement.start_date, agreement.end_date) == (date(this_year, 1, 1), date(this_year + 3, 12, 31))
    assert agreement.sections.get().body == "<p>Vi syns i centrum.</p>"


# --- The pages ----------------------------------------------------------------------------------------------------


def upload(client, world, content: bytes, name: str = "avtal.docx", **extra):
    data = {
        "file": SimpleUploadedFile(name, content),
        "title": "",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-organisation": str(world.municipality.pk),
        "parties-1-organisation": str(world.police.pk),
        **extra,
    }
    return client.post(reverse("documents:import_docx"), data)


def test_the_new_agreement_page_links_to_the_import(client, editor):
    client.force_login(editor)
    response = client.get(reverse("agreements:create"))
    assert reverse("documents:import_docx") in response.content.decode()


def test_upload_shows_a_preview_and_confirm_creates_the_draft_once(client, world, editor, docx):
    client.force_login(editor)
    before = Agreement.objects.count()

    preview = upload(client, world, docx)

    page = preview.content.decode()
    assert preview.status_code == 200
    assert Agreement.objects.count() == before  # nothing created yet
    for shown in ("Samverkansöverenskommelse Hamnstad", "2024-01-01", "2.1. Parternas åtaganden", "Bostadsinbrott"):
        assert shown in page
    assert "Erik Eriksson" in page and "Anna Andersson" in page
    assert "I 2. Syfte: “Samverkansmodellen i fyra steg”" in page
    assert "ingen beskrivning i Word-filen" in page
    assert "Samverkansöverenskommelse" in page and "Hamnstad 2024-01-15" in page  # kind, place and date
    pending = client.session[IMPORT_SESSION_KEY]
    assert default_storage.exists(pending["path"])

    confirm = client.post(reverse("documents:import_docx_confirm"), {"token": pending["token"]})

    agreement = Agreement.objects.get(creation_key=pending["token"])
    assert confirm.status_code == 302 and confirm["Location"] == agreement.get_absolute_url()
    assert list(agreement.parties.order_by("agreement_parties__order")) == [world.municipality, world.police]
    assert agreement.sections.count() == 7 and agreement.focus_areas.get().rows.count() == 2
    assert not default_storage.exists(pending["path"])
    # A second click creates nothing more and leads to the draft.
    again = client.post(reverse("documents:import_docx_confirm"), {"token": pending["token"]})
    assert again["Location"] == agreement.get_absolute_url()
    assert Agreement.objects.count() == before + 1


def test_the_preview_names_the_commitments_found_per_section(client, world, editor):
    def build(document):
        document.add_heading("Åtaganden", level=1)
        document.add_paragraph("Polisen förbinder sig att dela lägesbilden varje månad.")
        document.add_paragraph("Kommunen förbinder sig att samordna trygghetsvandringar.")
        document.add_paragraph("Polisen förbinder sig att delta i föräldramöten.")

    client.force_login(editor)
    page = upload(client, world, _docx(build)).content.decode()

    assert "1. Åtaganden – 3 åtaganden av Polisen, Kommunen" in page
    assert "Inget samverkansforum hittades" in page


def test_a_file_that_is_not_a_word_document_is_refused_on_the_form(client, world, editor):
    client.force_login(editor)
    renamed_text = upload(client, world, b"Detta ar ingen Word-fil", name="avtal.docx")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as other_zip:
        other_zip.writestr("content.xml", "<x/>")
    other_zip_response = upload(client, world, archive.getvalue())

    for response in (renamed_text, other_zip_response):
        assert response.status_code == 200
        assert "Filen är inget Word-dokument (.docx)." in response.content.decode()
    assert IMPORT_SESSION_KEY not in client.session
    assert not default_storage.exists("imports") or not default_storage.listdir("imports")[1]


def test_a_file_over_the_size_limit_is_refused_on_the_form(client, world, editor, docx, monkeypatch):
    monkeypatch.setattr("documents.forms.MAX_DOCX_BYTES", len(docx) - 1)
    client.force_login(editor)

    response = upload(client, world, docx)

    assert response.status_code == 200
    assert "Filen är större än 10 MB." in response.content.decode()


def test_parties_follow_the_rules_of_a_new_agreement(client, world, editor, docx):
    client.force_login(editor)

    response = upload(client, world, docx, **{"parties-1-organisation": ""})

    assert response.status_code == 200
    assert IMPORT_SESSION_KEY not in client.session


@pytest.mark.parametrize("role", [Membership.Role.READER, Membership.Role.REVIEWER])
def test_only_editors_may_import(client, world, role, docx):
    client.force_login(member(world.municipality, role, "someone"))
    before = Agreement.objects.count()

    assert client.get(reverse("documents:import_docx")).status_code == 403
    assert upload(client, world, docx).status_code == 403
    assert client.post(reverse("documents:import_docx_confirm"), {"token": "0" * 32}).status_code == 403
    assert Agreement.objects.count() == before


def test_confirm_without_a_kept_upload_creates_nothing(client, world, editor):
    client.force_login(editor)
    before = Agreement.objects.count()

    response = client.post(reverse("documents:import_docx_confirm"), {"token": "12345678-1234-5678-1234-567812345678"})

    assert response.status_code == 302 and response["Location"] == reverse("documents:import_docx")
    assert Agreement.objects.count() == before


# --- The command --------------------------------------------------------------------------------------------------


def test_the_command_creates_the_draft_and_prints_its_id_last(world, docx, tmp_path):
    path = tmp_path / "avtal.docx"
    path.write_bytes(docx)
    out = io.StringIO()

    call_command(
        "import_docx",
        str(path),
        "--party",
        world.police.name,
        "--party",
        world.municipality.name,
        "--title",
        "Hamnstad 2024",
        stdout=out,
    )

    agreement = Agreement.objects.get(pk=int(out.getvalue().strip().splitlines()[-1]))
    assert agreement.title == "Hamnstad 2024"
    assert list(agreement.parties.order_by("agreement_parties__order")) == [world.police, world.municipality]
    assert agreement.focus_areas.count() == 1 and agreement.signatories.count() == 2


def test_the_command_refuses_an_unknown_party_and_a_file_that_is_not_docx(world, docx, tmp_path):
    path = tmp_path / "avtal.docx"
    path.write_bytes(docx)
    before = Agreement.objects.count()
    with pytest.raises(CommandError, match="No organisation named"):
        call_command("import_docx", str(path), "--party", "Ingen kommun", "--party", world.police.name)
    text = tmp_path / "text.docx"
    text.write_bytes(b"inte en docx")
    with pytest.raises(CommandError, match=r"\.docx"):
        call_command("import_docx", str(text), "--party", world.municipality.name, "--party", world.police.name)
    assert Agreement.objects.count() == before


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_upload_preview_and_draft_are_accessible(page, live_server, world, editor, docx):
    log_in(page, live_server, editor.username)
    page.goto(f"{live_server.url}{reverse('agreements:create')}")
    page.locator(f"main a[href='{reverse('documents:import_docx')}']").click()
    assert_accessible(page)
    page.locator("#id_file").set_input_files(
        {"name": "avtal.docx", "mimeType": "application/octet-stream", "buffer": docx}
    )
    page.locator("#id_parties-1-organisation").select_option(str(world.police.pk))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-import=focus-areas]")).to_contain_text("Bostadsinbrott")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator(f"main form[action='{reverse('documents:import_docx_confirm')}'] button").click()
    agreement = Agreement.objects.exclude(creation_key=None).get(title="Samverkansöverenskommelse Hamnstad")
    assert page.url == f"{live_server.url}{agreement.get_absolute_url()}"
