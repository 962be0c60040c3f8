"""What the authors wrote in a section's text prints where they wrote it: commitments in the order written (not
grouped by party at the end), a focus area placed under a section of the agreement's own part in that part, and the
cooperation forums in the section the layout names."""

from io import BytesIO

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from agreements.models import Agreement, Section
from agreements.services import agreement_copy
from agreements.tests.factories import CooperationForumFactory, SectionFactory
from documents.attachment import agreement_data
from documents.document import build_document
from documents.pdf import agreement_pdf
from focusareas.models import Commitment
from focusareas.tests.factories import ActivityRowFactory, CommitmentFactory, FocusAreaFactory

pytestmark = pytest.mark.django_db


def pdf_text(agreement: Agreement) -> str:
    reader = PdfReader(BytesIO(agreement_pdf(Agreement.objects.get(pk=agreement.pk))))
    return " ".join(" ".join(page.extract_text().replace("\u2010\n", "").split()) for page in reader.pages)


def assert_in_order(text: str, *words: str) -> None:
    """Each of the words follows the one before it, at its last mention (headings are also in the contents)."""
    positions = [text.rindex(w) for w in words]
    assert positions == sorted(positions), words


@pytest.fixture
def commitments_part(world):
    """The agreement's part: an introduction, "Parternas åtaganden" with the commitments written in it (the police
    twice, then the municipality, then both), and "Uppföljning" after it."""
    agreement = world.agreement
    SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Inledning", order=0)
    written = SectionFactory(
        agreement=agreement, part=Section.Part.AGREEMENT, heading="Parternas åtaganden", body="", order=1
    )
    SectionFactory(
        agreement=agreement, part=Section.Part.AGREEMENT, heading="Uppföljning", body="<p>Varje år.</p>", order=2
    )
    for order, (text, parties) in enumerate(
        [
            ("genomföra fyra trafikinsatser", [world.police]),
            ("delta i föräldramöten varje höst", [world.police]),
            ("erbjuda sommarjobb till unga", [world.municipality]),
            ("träffas i styrgruppen", [world.municipality, world.police]),
        ]
    ):
        CommitmentFactory(
            agreement=agreement, focus_area=None, placement=written, text=text, order=order, parties=parties
        )
    return written


def test_commitments_written_in_a_section_print_there_in_the_order_written(world, commitments_part):
    text = pdf_text(world.agreement)

    assert_in_order(
        text,
        "Parternas åtaganden",
        "Lokalpolisområde Hamnstad förbinder sig att",
        "genomföra fyra trafikinsatser",
        "delta i föräldramöten varje höst",
        "Hamnstads kommun förbinder sig att",
        "erbjuda sommarjobb till unga",
        "Tillsammans förbinder sig parterna att",
        "träffas i styrgruppen",
        "Uppföljning",
        "Varje år.",
    )
    assert text.count("genomföra fyra trafikinsatser") == 1


def test_commitments_by_the_same_party_are_one_group_only_where_written_one_after_another(world, commitments_part):
    Commitment.objects.filter(text="erbjuda sommarjobb till unga").update(order=1)
    Commitment.objects.filter(text="delta i föräldramöten varje höst").update(order=2)

    [entry] = build_document(world.agreement).sections_with_commitments

    assert [(group.label, [c.text for c in group.commitments]) for group in entry.commitment_groups] == [
        ("Lokalpolisområde Hamnstad förbinder sig att", ["genomföra fyra trafikinsatser"]),
        ("Hamnstads kommun förbinder sig att", ["erbjuda sommarjobb till unga"]),
        ("Lokalpolisområde Hamnstad förbinder sig att", ["delta i föräldramöten varje höst"]),
        ("Tillsammans förbinder sig parterna att", ["träffas i styrgruppen"]),
    ]


def test_a_commitment_in_a_focus_area_is_still_grouped_by_party_at_its_end(world, commitments_part):
    area = FocusAreaFactory(agreement=world.agreement, title="Trafik")
    CommitmentFactory(focus_area=area, text="kontrollera mopeder", parties=[world.police])

    document = build_document(world.agreement)

    [view] = document.focus_areas
    assert [c.text for group in view.commitment_groups for c in group.commitments] == ["kontrollera mopeder"]
    assert [e.section.heading for e in document.sections_with_commitments] == ["Parternas åtaganden"]


def test_the_agreement_page_and_the_workbench_show_the_commitments_in_their_section(
    client, world, editor, commitments_part
):
    client.force_login(editor)

    page = client.get(reverse("documents:detail", args=[world.agreement.pk])).content.decode()
    workbench = client.get(reverse("documents:workbench", args=[world.agreement.pk])).content.decode()

    assert_in_order(
        page, "Parternas åtaganden", "genomföra fyra trafikinsatser", "träffas i styrgruppen", "Uppföljning"
    )
    assert f'id="written-in-{commitments_part.pk}"' in workbench
    commitment = Commitment.objects.get(text="genomföra fyra trafikinsatser")
    assert reverse("focusareas:commitment_edit", args=[commitment.pk]) in workbench


def test_the_workbench_asks_as_many_queries_for_two_sections_with_commitments_as_for_twenty(
    client, world, editor, commitments_part, django_assert_max_num_queries
):
    client.force_login(editor)
    url = reverse("documents:workbench", args=[world.agreement.pk])
    client.get(url)
    caches["template_fragments"].clear()  # both counts are of the workbench laid out, not read from the cache
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for n in range(18):
        section = SectionFactory(agreement=world.agreement, part=Section.Part.APPENDIX, heading=f"Del {n}")
        CommitmentFactory(agreement=world.agreement, focus_area=None, placement=section, parties=[world.police])
    caches["template_fragments"].clear()
    with django_assert_max_num_queries(len(two.captured_queries)):
        client.get(url)


def test_a_commitment_written_in_a_section_needs_no_focus_area_and_goes_with_its_section(world, commitments_part):
    commitment = Commitment(agreement=world.agreement, placement=commitments_part, text="dela lägesbilden")
    commitment.full_clean()
    commitment.save()

    commitments_part.delete()

    assert not Commitment.objects.filter(agreement=world.agreement).exists()


def test_a_copy_keeps_each_commitment_in_the_copied_section(world, commitments_part):
    copy = agreement_copy(source=world.agreement, title="Kopian")

    commitment = Commitment.objects.get(agreement=copy, text="träffas i styrgruppen")
    assert (commitment.placement.agreement, commitment.placement.key) == (copy, commitments_part.key)


def test_the_attached_data_holds_the_commitments_of_each_section(world, commitments_part):
    data = agreement_data(build_document(world.agreement))

    [entry] = [e for e in data["agreement_sections"] if e["heading"] == "Parternas åtaganden"]
    assert [c["text"] for c in entry["commitments"]][:2] == [
        "genomföra fyra trafikinsatser",
        "delta i föräldramöten varje höst",
    ]


def test_a_focus_area_placed_under_a_section_of_the_agreements_part_prints_there_and_not_in_bilaga_1(world):
    agreement = world.agreement
    activities = SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Aktiviteter", order=0)
    SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Underskrifter", order=1)
    area = FocusAreaFactory(agreement=agreement, title="Trygga gårdar", placement=activities)
    ActivityRowFactory(focus_area=area, activity="Gårdsvärdar")
    area.full_clean()

    document = build_document(agreement)
    text = pdf_text(agreement)

    assert [(e.kind, e.number, e.heading) for e in document.agreement_sections] == [
        ("section", "1.", "Aktiviteter"),
        ("focus_area", "1.1.", "Trygga gårdar"),
        ("section", "2.", "Underskrifter"),
    ]
    assert document.appendix == []
    assert_in_order(text, "1.1. Trygga gårdar", "Gårdsvärdar", "2. Underskrifter", "Bilaga 1")
    # The agreement's list of focus areas, set out in Bilaga 1, does not name it a second time.
    assert "focus_areas" not in [block.name for block in document.main_blocks]
    assert text.count("Trygga gårdar") == 2  # the contents and the heading


def test_forums_print_in_the_section_the_layout_names_and_not_in_their_own_block(world):
    agreement = world.agreement
    SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Syfte", order=0)
    forums = SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Samverkansforum", body="")
    SectionFactory(agreement=agreement, part=Section.Part.AGREEMENT, heading="Beslut", order=2)
    forums.order = 1
    forums.save()
    CooperationForumFactory(agreement=agreement, name="Styrgrupp")
    agreement.layout = [{"block": "forums", "heading": "Forum", "shown": True, "section": str(forums.key)}]
    agreement.save()

    document = build_document(agreement)
    text = pdf_text(agreement)

    assert "forums" not in [block.name for block in document.main_blocks]
    assert [e.heading for e in document.agreement_sections if e.holds_forums] == ["Samverkansforum"]
    assert_in_order(text, "2. Samverkansforum", "Styrgrupp", "3. Beslut")
    assert "Forum Träffas" in text and text.count("Styrgrupp") == 1


def test_the_review_names_the_section_a_commitment_is_written_in(client, world, reviewer, commitments_part):
    client.force_login(reviewer)

    page = client.get(reverse("focusareas:review", args=[world.agreement.pk])).content.decode()

    assert "– Parternas åtaganden" in page
    assert_in_order(page, "genomföra fyra trafikinsatser", "delta i föräldramöten varje höst", "träffas i styrgruppen")
