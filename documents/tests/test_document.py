"""The agreement put in document order: Bilaga 1's numbering with focus areas, commitments per party."""

import pytest
from django.urls import reverse

from agreements.tests.factories import SectionFactory
from documents.document import build_document
from focusareas.tests.factories import ActionPlanFactory, ActivityRowFactory, CommitmentFactory, FocusAreaFactory

pytestmark = pytest.mark.django_db


def outline(agreement) -> list[tuple[str, str, str, int]]:
    return [(i.kind, i.number, i.heading, i.depth) for i in build_document(agreement).appendix]


def test_focus_areas_are_numbered_under_their_section_as_in_trelleborgs_appendix(world):
    agreement = world.agreement
    SectionFactory(agreement=agreement, heading="Lägesbild", order=0)
    focus = SectionFactory(agreement=agreement, heading="Fokusområden 2023–2026", order=1)
    SectionFactory(agreement=agreement, heading="Uppföljning", order=2)
    for order, (title, group) in enumerate(
        [("Misshandel", "Brottsstatistik"), ("Bedrägerier", "Brottsstatistik"), ("Narkotika", ""), ("Trafik", "")]
    ):
        FocusAreaFactory(agreement=agreement, placement=focus, title=title, group_heading=group, order=order)
    FocusAreaFactory(agreement=agreement, title="Utan plats", order=9)

    assert outline(agreement) == [
        ("section", "1.", "Lägesbild", 1),
        ("section", "2.", "Fokusområden 2023–2026", 1),
        ("group", "2.1.", "Brottsstatistik", 2),
        ("focus_area", "", "Misshandel", 3),
        ("focus_area", "", "Bedrägerier", 3),
        ("focus_area", "2.2.", "Narkotika", 2),
        ("focus_area", "2.3.", "Trafik", 2),
        ("section", "3.", "Uppföljning", 1),
        ("focus_area", "4.", "Utan plats", 1),
    ]


def test_focus_areas_follow_the_subsections_of_their_section(world):
    agreement = world.agreement
    parent = SectionFactory(agreement=agreement, heading="Fokusområden", order=0)
    SectionFactory(agreement=agreement, heading="Inledning", parent=parent, order=0)
    FocusAreaFactory(agreement=agreement, placement=parent, title="Hamnen")
    assert outline(agreement)[1:] == [("section", "1.1.", "Inledning", 2), ("focus_area", "1.2.", "Hamnen", 2)]


def test_commitments_are_grouped_per_party_with_joint_ones_last(world):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    CommitmentFactory(focus_area=focus_area, parties=[world.municipality, world.police], text="gemensamt")
    CommitmentFactory(focus_area=focus_area, parties=[world.police], text="polisen")
    CommitmentFactory(focus_area=focus_area, parties=[world.municipality], text="kommunen")
    (view,) = build_document(world.agreement).focus_areas
    assert [(g.label, [c.text for c in g.commitments]) for g in view.commitment_groups] == [
        ("Hamnstads kommun förbinder sig att", ["kommunen"]),
        ("Lokalpolisområde Hamnstad förbinder sig att", ["polisen"]),
        ("Tillsammans förbinder sig parterna att", ["gemensamt"]),
    ]


def test_an_action_plan_lists_its_commitments_per_focus_area(world):
    plan = ActionPlanFactory(agreement=world.agreement, title="Handlingsplan 2017")
    walks = FocusAreaFactory(agreement=world.agreement, title="Trygghetsvandringar", order=0)
    violence = FocusAreaFactory(agreement=world.agreement, title="Våld i nära relation", order=1)
    CommitmentFactory(focus_area=violence, action_plan=plan, text="meddela socialtjänsten")
    CommitmentFactory(focus_area=walks, action_plan=plan, text="följa brottsutvecklingen")
    CommitmentFactory(focus_area=walks, text="utanför planen")
    (plan_view,) = build_document(world.agreement).action_plans
    assert [(fa.title, [c.text for g in groups for c in g.commitments]) for fa, groups in plan_view.by_focus_area] == [
        ("Trygghetsvandringar", ["följa brottsutvecklingen"]),
        ("Våld i nära relation", ["meddela socialtjänsten"]),
    ]


def test_the_agreement_page_shows_the_table_and_the_commitments(client, world, reader):
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Narkotika", prioritised=True)
    ActivityRowFactory(focus_area=focus_area, activity="Avloppsanalyser", measure="Minst en analys\nper år")
    CommitmentFactory(focus_area=focus_area, parties=[world.police], text="genomföra fem krogtillsyner")
    client.force_login(reader)
    page = client.get(reverse("documents:detail", args=[world.agreement.pk])).content.decode()
    for text in (
        "Narkotika",
        "Prioriterat fokusområde",
        "Åtgärd",
        "Minst en analys<br>per år",
        "Lokalpolisområde Hamnstad förbinder sig att",
        "genomföra fem krogtillsyner",
    ):
        assert text in page
