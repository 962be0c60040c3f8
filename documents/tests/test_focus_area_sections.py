"""A focus area written in numbered sections prints as written: each section numbered under the focus area, with
the activities and commitments that stand in it, and nothing twice."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.models import Agreement
from agreements.services import agreement_copy, agreement_new_revision
from documents.attachment import agreement_data
from documents.document import build_document
from documents.pdf import agreement_pdf
from documents.services import agreement_fingerprint
from focusareas.models import ActivityRow, Commitment
from focusareas.tests.factories import (
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    FocusAreaSectionFactory,
)

pytestmark = pytest.mark.django_db

# What stands where, in reading order: each section's heading, then what stands in it; the activity in no section
# follows the last section.
IN_ORDER = (
    "Läget i centrum",
    "dela sin lägesbild varje kvartal",
    "Våra insatser",
    "Avloppsanalyser i reningsverket",
    "genomföra riktade narkotikakontroller",
    "Så följer vi upp",
    "Gemensam narkotikautbildning",
)

STANDING = (
    "dela sin lägesbild varje kvartal",
    "Avloppsanalyser i reningsverket",
    "genomföra riktade narkotikakontroller",
    "Gemensam narkotikautbildning",
)


@pytest.fixture
def drugs(world):
    """A focus area in three sections, with activities and commitments in two of them and one activity in none."""
    area = FocusAreaFactory(agreement=world.agreement, title="Narkotika")
    situation = FocusAreaSectionFactory(focus_area=area, heading="Läget i centrum", body="<p>Fler fynd.</p>")
    efforts = FocusAreaSectionFactory(focus_area=area, heading="Våra insatser", body="<p>Parterna gör detta.</p>")
    FocusAreaSectionFactory(focus_area=area, heading="Så följer vi upp", body="<p>Varje höst.</p>")
    ActivityRowFactory(focus_area=area, activity="Gemensam narkotikautbildning")
    ActivityRowFactory(focus_area=area, section=efforts, activity="Avloppsanalyser i reningsverket")
    CommitmentFactory(focus_area=area, section=efforts, text="genomföra riktade narkotikakontroller")
    CommitmentFactory(focus_area=area, section=situation, text="dela sin lägesbild varje kvartal")
    return area


def focus_area_entry(document, focus_area):
    return next(e for e in document.appendix if e.focus_area and e.focus_area.focus_area == focus_area)


def assert_in_place_once(text: str) -> None:
    for words in STANDING:
        assert text.count(words) == 1, words
    # Headings are also in the contents: the last mention of each is the heading itself.
    positions = [text.rindex(words) for words in IN_ORDER]
    assert positions == sorted(positions)


def test_sections_are_numbered_under_their_focus_area_in_the_contents(world, drugs):
    document = build_document(world.agreement)

    number = focus_area_entry(document, drugs).number
    contents = [(entry.number, entry.heading) for entry in document.appendix_contents]

    assert number
    start = contents.index((number, "Narkotika"))
    assert contents[start + 1 : start + 4] == [
        (f"{number}1.", "Läget i centrum"),
        (f"{number}2.", "Våra insatser"),
        (f"{number}3.", "Så följer vi upp"),
    ]


def test_a_focus_area_with_only_sections_has_its_own_heading(world):
    area = FocusAreaFactory(agreement=world.agreement, title="Brottsofferstöd", description="")
    FocusAreaSectionFactory(focus_area=area, heading="Stöd till brottsutsatta", body="")

    assert focus_area_entry(build_document(world.agreement), area).heading == "Brottsofferstöd"


def test_the_agreement_page_prints_what_stands_in_a_section_there_and_only_there(client, world, reader, drugs):
    client.force_login(reader)

    text = client.get(reverse("documents:detail", args=[world.agreement.pk])).content.decode()

    number = focus_area_entry(build_document(world.agreement), drugs).number
    assert f'<span class="section-number">{number}2.</span> Våra insatser' in text
    assert_in_place_once(text)


def test_the_pdf_prints_what_stands_in_a_section_there_and_only_there(world, drugs):
    reader = PdfReader(BytesIO(agreement_pdf(Agreement.objects.get(pk=world.agreement.pk))))
    text = " ".join(" ".join(page.extract_text().replace("\u2010\n", "").split()) for page in reader.pages)

    number = focus_area_entry(build_document(world.agreement), drugs).number
    assert f"{number}2. Våra insatser" in text
    assert_in_place_once(text)


def test_the_attached_data_holds_each_section_with_what_stands_in_it(world, drugs):
    data = agreement_data(build_document(world.agreement))

    (entry,) = [e for e in data["appendix"] if e["heading"] == "Narkotika"]
    assert [(s["heading"], s["body"]) for s in entry["sections"]] == [
        ("Läget i centrum", "<p>Fler fynd.</p>"),
        ("Våra insatser", "<p>Parterna gör detta.</p>"),
        ("Så följer vi upp", "<p>Varje höst.</p>"),
    ]
    efforts = entry["sections"][1]
    assert [a["activity"] for a in efforts["activities"]] == ["Avloppsanalyser i reningsverket"]
    assert [c["text"] for c in efforts["commitments"]] == ["genomföra riktade narkotikakontroller"]
    assert [a["activity"] for a in entry["activities"]] == ["Gemensam narkotikautbildning"]
    assert entry["commitments"] == []


def test_a_copy_places_activities_and_commitments_in_the_copied_sections(world, drugs):
    copy = agreement_copy(source=world.agreement, title="Kopian")

    row = ActivityRow.objects.get(focus_area__agreement=copy, activity="Avloppsanalyser i reningsverket")
    commitment = Commitment.objects.get(agreement=copy, text="genomföra riktade narkotikakontroller")
    original = drugs.sections.get(heading="Våra insatser")
    assert row.section == commitment.section
    assert (row.section.focus_area.agreement, row.section.key) == (copy, original.key)


def test_a_changed_section_changes_what_the_signatures_are_recorded_on(client, world, editor, drugs):
    before = agreement_fingerprint(world.agreement)
    section = drugs.sections.get(heading="Så följer vi upp")
    client.force_login(editor)

    response = client.post(
        reverse("focusareas:section_edit", args=[section.pk]),
        {"heading": section.heading, "body": "<p>Varje vår.</p>", "loaded_version": section.version},
    )

    assert response.status_code == 302
    assert agreement_fingerprint(world.agreement) != before


def test_the_history_and_the_comparison_of_revisions_show_a_changed_section(client, world, editor, drugs):
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)
    revision = agreement_new_revision(agreement=Agreement.objects.get(pk=world.agreement.pk))
    section = revision.focus_areas.get().sections.get(heading="Så följer vi upp")
    section.heading = "Så följer vi upp arbetet"
    section.save()
    client.force_login(editor)

    history = client.get(reverse("agreements:history", args=[revision.pk])).context["changes"]
    compared = client.get(reverse("documents:compare", args=[revision.pk])).context["changes"]

    assert ("Ändrades", "Så följer vi upp arbetet") in {(c.action, c.subject) for c in history}
    assert ("Ändrat", "Så följer vi upp arbetet") in {(c.change, c.title) for c in compared}
