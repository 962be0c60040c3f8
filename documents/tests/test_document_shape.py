"""The document's shape as authors write it: goals of the whole agreement, focus areas that are only named, the
names the text gives the parties, and how often a fixed period is revised."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.models import Agreement, Party
from agreements.services import agreement_new_revision, agreement_renew
from agreements.tests.factories import CooperationForumFactory, SectionFactory, SignatoryFactory
from documents.attachment import agreement_data
from documents.document import build_document
from documents.pdf import agreement_pdf
from focusareas.models import Goal
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    IndicatorFactory,
)

pytestmark = pytest.mark.django_db


def pdf_text(agreement: Agreement) -> str:
    reader = PdfReader(BytesIO(agreement_pdf(Agreement.objects.get(pk=agreement.pk))))
    # Words that hyphenation split at a line's end are read whole again.
    return " ".join(" ".join(page.extract_text().replace("\u2010\n", "").split()) for page in reader.pages)


def page(client, name: str, agreement: Agreement) -> str:
    response = client.get(reverse(name, args=[agreement.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def agreement_goal(world):
    """A goal of the whole agreement, outside every focus area, measured by an indicator."""
    FocusAreaFactory(agreement=world.agreement, title="Narkotika")
    indicator = IndicatorFactory(
        goal__focus_area=None,
        goal__agreement=world.agreement,
        goal__text="Fler invånare ska känna sig trygga i centrum",
        name="Andel trygga i trygghetsmätningen",
    )
    return indicator.goal


def test_a_goal_of_the_whole_agreement_is_shown_on_the_agreement_page(client, world, reader, agreement_goal):
    client.force_login(reader)
    text = page(client, "documents:detail", world.agreement)
    assert "Fler invånare ska känna sig trygga i centrum" in text
    assert "Andel trygga i trygghetsmätningen" in text


def test_a_goal_of_the_whole_agreement_is_edited_on_the_workbench(client, world, editor, agreement_goal):
    client.force_login(editor)
    text = page(client, "documents:workbench", world.agreement)
    assert "Mål för hela överenskommelsen" in text
    assert "Fler invånare ska känna sig trygga i centrum" in text
    assert reverse("focusareas:goal_edit", args=[agreement_goal.pk]) in text
    assert f'href="{reverse("focusareas:goal_add", args=[world.agreement.pk])}"' in text


def test_a_goal_added_outside_every_focus_area_stays_outside_them(client, world, editor):
    client.force_login(editor)
    response = client.post(
        reverse("focusareas:goal_add", args=[world.agreement.pk]),
        {"kind": "effect", "text": "Brottsligheten i centrum ska minska", "focus_area": "", "indicator-name": ""},
    )
    assert response.status_code == 302
    goal = Goal.objects.get(text="Brottsligheten i centrum ska minska")
    assert goal.focus_area is None
    assert build_document(world.agreement).goals == [goal]


def test_a_goal_of_the_whole_agreement_is_printed_with_its_indicator(world, agreement_goal):
    text = pdf_text(world.agreement)
    assert "Fler invånare ska känna sig trygga i centrum" in text
    assert "Andel trygga i trygghetsmätningen" in text


def test_a_focus_area_that_is_only_named_has_no_heading_in_the_appendix(world):
    agreement = world.agreement
    placement = SectionFactory(agreement=agreement, heading="Fokusområden", order=0)
    FocusAreaFactory(agreement=agreement, placement=placement, title="Trygghet i centrum", description="", order=0)
    FocusAreaFactory(agreement=agreement, placement=placement, title="Narkotika", order=1)
    FocusAreaFactory(
        agreement=agreement, placement=placement, title="Bara namn", group_heading="Grupp", description="<p></p>"
    )
    with_row = FocusAreaFactory(agreement=agreement, placement=placement, title="Trafik", description="", order=3)
    ActivityRowFactory(focus_area=with_row)
    document = build_document(agreement)
    assert [(i.kind, i.number, i.heading) for i in document.appendix] == [
        ("section", "1.", "Fokusområden"),
        ("focus_area", "1.1.", "Narkotika"),
        ("focus_area", "1.2.", "Trafik"),
    ]
    # It is still one of the agreement's focus areas, named in the agreement's own list.
    assert "Trygghet i centrum" in [view.focus_area.title for view in document.focus_areas]


def test_the_list_of_focus_areas_in_the_agreement_can_be_left_out(world):
    FocusAreaFactory(agreement=world.agreement, title="Trygghet i centrum", description="")
    listed = pdf_text(world.agreement)
    assert "Trygghet i centrum" in listed
    assert "beskrivs i bilaga 1" in listed
    Agreement.objects.filter(pk=world.agreement.pk).update(lists_focus_areas=False)
    unlisted = pdf_text(world.agreement)
    assert "Trygghet i centrum" not in unlisted
    assert "beskrivs i bilaga 1" not in unlisted


def test_a_citizen_promise_lists_its_focus_areas_without_sending_the_reader_to_bilaga_1(client, world, reader):
    Agreement.objects.filter(pk=world.agreement.pk).update(kind=Agreement.Kind.CITIZEN_PROMISE)
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Trygg trafik vid skolorna")
    CommitmentFactory(focus_area=focus_area, parties=[world.police], text="genomföra sex hastighetskontroller")
    client.force_login(reader)

    text = pdf_text(world.agreement)
    shown = page(client, "documents:detail", world.agreement)

    assert "Trygg trafik vid skolorna" in text and "genomföra sex hastighetskontroller" in text
    assert "bilaga 1" not in text.lower()
    assert "genomföra sex hastighetskontroller" in shown and "beskrivs i bilaga 1" not in shown


def test_the_pages_contents_of_bilaga_1_list_its_forums_and_action_plans(client, world, reader):
    Agreement.objects.filter(pk=world.agreement.pk).update(forums_in_appendix=True)
    CooperationForumFactory(agreement=world.agreement)
    plan = ActionPlanFactory(agreement=world.agreement, title="Handlingsplan 2025")
    client.force_login(reader)

    shown = page(client, "documents:detail", world.agreement)

    contents = shown[shown.index('id="toc-heading"') : shown.index("</nav>", shown.index('id="toc-heading"'))]
    assert '<a href="#forums">Samverkansforum</a>' in contents
    assert f'<a href="#plan-{plan.pk}">Handlingsplan 2025</a>' in contents
    assert f'id="plan-{plan.pk}"' in shown and 'id="forums"' in shown


def test_commitments_name_the_parties_as_the_text_calls_them_in_the_agreements_order(client, world, reader):
    agreement = world.agreement
    Party.objects.create(agreement=agreement, organisation=world.neighbour, order=2)
    # The police first among the parties, though their full name sorts after the municipality's.
    Party.objects.filter(agreement=agreement, organisation=world.police).update(order=0, display_name="Polisen")
    Party.objects.filter(agreement=agreement, organisation=world.municipality).update(order=1, display_name="Kommunen")
    focus_area = FocusAreaFactory(agreement=agreement)
    CommitmentFactory(focus_area=focus_area, parties=[world.police], text="polisen ensam")
    CommitmentFactory(focus_area=focus_area, parties=[world.municipality, world.police], text="två tillsammans")
    SignatoryFactory(agreement=agreement, party=world.police, name="Anna Andersson")
    (view,) = build_document(agreement).focus_areas
    assert [group.label for group in view.commitment_groups] == [
        "Polisen förbinder sig att",
        "Polisen och Kommunen förbinder sig att",
    ]
    client.force_login(reader)
    text = page(client, "documents:detail", agreement)
    assert "Polisen och Kommunen förbinder sig att" in text
    # The signature block keeps the organisation's full name.
    assert '<p class="fw-semibold mb-5">Lokalpolisområde Hamnstad</p>' in text


def test_a_fixed_period_can_say_how_often_it_is_revised(client, world, reader):
    Agreement.objects.filter(pk=world.agreement.pk).update(revision_interval_years=2)
    client.force_login(reader)
    assert "Den revideras med högst 2 års mellanrum." in page(client, "documents:detail", world.agreement)
    assert "Den revideras med högst 2 års mellanrum." in pdf_text(world.agreement)


def test_a_renewal_is_followed_up_from_its_own_start_and_a_revision_keeps_the_first_year(world):
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED, first_follow_up_year=2024)
    signed = Agreement.objects.get(pk=world.agreement.pk)
    assert agreement_new_revision(agreement=signed).follow_up_from == 2024
    renewal = agreement_renew(agreement=signed)
    assert renewal.first_follow_up_year is None and renewal.follow_up_from == 2027


def test_the_attached_data_holds_the_whole_agreements_goals_every_focus_area_and_the_parties_names(
    world, agreement_goal
):
    FocusAreaFactory(agreement=world.agreement, title="Bara namn", description="")
    Party.objects.filter(agreement=world.agreement, organisation=world.police).update(display_name="Polisen")
    data = agreement_data(build_document(world.agreement))
    assert [goal["text"] for goal in data["goals"]] == ["Fler invånare ska känna sig trygga i centrum"]
    assert data["focus_areas"] == ["Narkotika", "Bara namn"]
    assert [party["called"] for party in data["parties"]] == ["Hamnstads kommun", "Polisen"]
    assert data["first_follow_up_year"] == 2023
