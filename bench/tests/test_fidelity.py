"""The fidelity measure classifies what it reads: an element held as written is held fully, a list flattened in the
data is only partly held, a signatory gone from the data and the PDF is lost, and the command reports and rolls
back."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from agreements.models import Agreement, Figure, Organisation, Section
from bench.fidelity import FULL, LOST, PARTLY, Sample, Writer, classify, in_order, measure
from documents.pdf import agreement_pdf

pytestmark = pytest.mark.django_db

MUNICIPALITY, POLICE = "Provby kommun", "Lokalpolisområde Provby"


def small_sample() -> Sample:
    w = Writer()
    w.title("Samverkansöverenskommelse Provby 2025–2026")
    w.period("Överenskommelsen gäller 2025-01-01 – 2026-12-31.", date(2025, 1, 1), date(2026, 12, 31))
    w.parties([MUNICIPALITY, POLICE])
    w.heading("Syfte")
    w.paragraph("Parterna ska tillsammans göra Provby tryggare för alla som bor och arbetar där.")
    w.items(["Färre inbrott i villaområdena", "Tryggare kvällar i centrum"])
    w.heading("Underskrifter")
    w.signatures(
        [
            (MUNICIPALITY, "Greta Provsson", "Kommunstyrelsens ordförande"),
            (POLICE, "Olof Test", "Lokalpolisområdeschef"),
        ]
    )
    w.appendix()
    w.heading("Fokusområden")
    w.activity_table("Bostadsinbrott", [("Grannsamverkan", "Starta i två områden", "Antal områden", "Färre inbrott")])
    return Sample(
        "small",
        "a small agreement",
        [(MUNICIPALITY, Organisation.Kind.MUNICIPALITY), (POLICE, Organisation.Kind.POLICE_AREA)],
        w.docx(),
        w.elements,
    )


def verdict_of(verdicts, kind: str, label_start: str):
    [found] = [v for v in verdicts if v.element.kind == kind and v.element.label.startswith(label_start)]
    return found


def test_what_the_import_holds_as_written_is_held_fully_and_a_flattened_list_or_a_lost_signatory_is_not():
    sample = small_sample()
    result = measure(sample)

    for kind, label in [
        ("heading", "Syfte"),
        ("list", "bullet list of 2"),
        ("focus area", "Bostadsinbrott"),
        ("activity row", "Bostadsinbrott: Grannsamverkan"),
        ("signatory", "Olof Test"),
    ]:
        assert verdict_of(result.verdicts, kind, label).verdict == FULL, (kind, label)

    # The list's items as paragraphs of their own, and a signatory gone: the words of the one are still printed.
    agreement = Agreement.objects.get(pk=result.agreement_id)
    section = agreement.sections.get(part=Section.Part.AGREEMENT, heading="Syfte")
    Section.objects.filter(pk=section.pk).update(
        body="<p>Parterna ska tillsammans göra Provby tryggare för alla som bor och arbetar där.</p>"
        "<p>Färre inbrott i villaområdena</p><p>Tryggare kvällar i centrum</p>"
    )
    agreement.signatories.filter(name="Olof Test").delete()
    verdicts = classify(sample.elements, agreement, agreement_pdf(agreement))

    flattened = verdict_of(verdicts, "list", "bullet list of 2")
    assert (flattened.verdict, flattened.why) == (PARTLY, "not a list: flattened into text")
    assert verdict_of(verdicts, "signatory", "Olof Test").verdict == LOST
    assert verdict_of(verdicts, "signatory", "Greta Provsson").verdict == FULL
    assert verdict_of(verdicts, "heading", "Syfte").verdict == FULL


def test_an_image_is_carried_as_its_sections_figure_and_a_kind_written_nowhere_is_checked_as_printed():
    w = Writer()
    w.title("Medborgarlöfte för Provby 2025")
    w.add("kind", "citizen promise", ("Medborgarlöfte",), document_kind=Agreement.Kind.CITIZEN_PROMISE)
    w.period("Löftet gäller 2025-01-01 – 2025-12-31.", date(2025, 1, 1), date(2025, 12, 31))
    w.heading("Arbetssätt")
    w.paragraph("Arbetet följer SARA-modellens steg.")
    w.image("Cirkel med SARA-modellens fyra steg")
    w.heading("Polisen lovar")
    w.commitment(POLICE, "Polisen lovar att", "göra minst sex hastighetskontroller")
    w.commitment(MUNICIPALITY, "Kommunen lovar att", "laga belysningen")
    parties = [(MUNICIPALITY, Organisation.Kind.MUNICIPALITY), (POLICE, Organisation.Kind.POLICE_AREA)]
    result = measure(Sample("promise", "a citizen promise with a figure", parties, w.docx(), w.elements))

    assert verdict_of(result.verdicts, "image", "Cirkel").verdict == FULL
    assert verdict_of(result.verdicts, "kind", "citizen promise").verdict == FULL
    assert verdict_of(result.verdicts, "title", "Medborgarlöfte").verdict == FULL
    # A figure whose description is gone is not the image the file had.
    agreement = Agreement.objects.get(pk=result.agreement_id)
    Figure.objects.filter(section__agreement=agreement).update(alt_text="Bild från Word-filen")
    verdicts = classify(w.elements, agreement, agreement_pdf(agreement))
    image = verdict_of(verdicts, "image", "Cirkel")
    assert (image.verdict, image.why) == (PARTLY, "image carried without its description")


def test_the_order_is_the_longest_run_of_elements_found_one_after_another():
    # The second element is printed only far ahead (at 90): the others, in order around it, are the run.
    assert in_order([[10], [90], [20, 5], [30], []]) == {0, 2, 3}
    # An element found twice (a heading in the table of contents and in the text) takes the place that fits.
    assert in_order([[50], [5, 60], [70]]) == {0, 1, 2}


def test_the_command_prints_the_table_writes_json_and_the_files_and_rolls_back(monkeypatch, tmp_path):
    monkeypatch.setattr("bench.management.commands.benchmark_fidelity.SAMPLES", (small_sample,))
    agreements, organisations = Agreement.objects.count(), Organisation.objects.count()
    out = StringIO()

    call_command("benchmark_fidelity", "--json", str(tmp_path / "fidelity.json"), "--keep", str(tmp_path), stdout=out)

    data = json.loads((tmp_path / "fidelity.json").read_text(encoding="utf-8"))
    [document] = data["documents"]
    assert document["name"] == "small"
    assert document["counts"]["elements"] == len(small_sample().elements) == data["overall"]["elements"]
    assert document["counts"][FULL] + document["counts"][PARTLY] + document["counts"][LOST] == len(document["elements"])
    assert out.getvalue().splitlines()[2].split()[0] == "small"
    assert (tmp_path / "small.docx").read_bytes()[:2] == b"PK"
    assert (tmp_path / "small.pdf").read_bytes()[:5] == b"%PDF-"
    assert (Agreement.objects.count(), Organisation.objects.count()) == (agreements, organisations)
