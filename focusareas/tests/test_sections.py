"""Staff write a focus area in numbered sections and place its activities and commitments in them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from focusareas.models import ActivityRow, Commitment, FocusAreaSection
from focusareas.tests.factories import (
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    FocusAreaSectionFactory,
)

pytestmark = pytest.mark.django_db


def test_an_editor_adds_edits_moves_and_deletes_sections(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    add = reverse("focusareas:section_add", args=[focus_area.pk])
    for heading in ("Lägesbild", "Insatser"):
        assert client.post(add, {"heading": heading, "body": f"<p>Om {heading.lower()}.</p>"}).status_code == 302
    situation, efforts = focus_area.sections.all()
    assert (situation.heading, situation.body, efforts.order) == ("Lägesbild", "<p>Om lägesbild.</p>", 1)

    edit = reverse("focusareas:section_edit", args=[efforts.pk])
    response = client.post(edit, {"heading": "Insatser 2025", "body": "", "loaded_version": efforts.version})
    assert response.status_code == 302
    client.post(reverse("focusareas:item_move", args=["delavsnitt", efforts.pk, "up"]))
    assert [s.heading for s in focus_area.sections.all()] == ["Insatser 2025", "Lägesbild"]

    delete = reverse("focusareas:item_delete", args=["delavsnitt", situation.pk])
    client.post(delete, {"loaded_fingerprint": client.get(delete).context["form"]["loaded_fingerprint"].value()})
    assert [s.heading for s in focus_area.sections.all()] == ["Insatser 2025"]


def test_the_workbench_shows_each_section_with_what_stands_in_it(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    section = FocusAreaSectionFactory(focus_area=focus_area, heading="Insatser i centrum")
    row = ActivityRowFactory(focus_area=focus_area, section=section, activity="Avloppsanalyser")
    client.force_login(editor)

    text = client.get(reverse("documents:workbench", args=[world.agreement.pk])).content.decode()

    start = text.index(f'id="focus-area-section-{section.pk}"')
    assert start < text.index("Insatser i centrum") < text.index(f'id="row-{row.pk}"')
    assert text.count(f'id="row-{row.pk}"') == 1
    assert reverse("focusareas:section_edit", args=[section.pk]) in text
    assert reverse("focusareas:section_add", args=[focus_area.pk]) in text


def test_a_stale_section_edit_is_refused_and_the_input_kept(client, world, editor):
    section = FocusAreaSectionFactory(focus_area=FocusAreaFactory(agreement=world.agreement), heading="Lägesbild")
    url = reverse("focusareas:section_edit", args=[section.pk])
    loaded = section.version
    client.force_login(editor)
    assert client.post(url, {"heading": "Kollegans rubrik", "loaded_version": loaded}).status_code == 302

    response = client.post(url, {"heading": "Min rubrik", "loaded_version": loaded})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Min rubrik" in response.content.decode()
    section.refresh_from_db()
    assert section.heading == "Kollegans rubrik"


def test_the_forms_offer_only_the_sections_of_the_items_focus_area(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    own = FocusAreaSectionFactory(focus_area=focus_area)
    other = FocusAreaSectionFactory(focus_area=FocusAreaFactory(agreement=world.agreement))
    client.force_login(editor)

    for url in (
        reverse("focusareas:row_add", args=[focus_area.pk]),
        reverse("focusareas:commitment_add", args=[world.agreement.pk]) + f"?focus_area={focus_area.pk}",
    ):
        choices = list(client.get(url).context["form"].fields["section"].queryset)
        assert choices == [own], url
    assert other not in choices


def test_an_activity_is_placed_in_a_section_of_its_focus_area(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    section = FocusAreaSectionFactory(focus_area=focus_area)
    client.force_login(editor)

    response = client.post(
        reverse("focusareas:row_add", args=[focus_area.pk]), {"activity": "Avloppsanalyser", "section": section.pk}
    )

    assert response.status_code == 302
    assert ActivityRow.objects.get(activity="Avloppsanalyser").section == section


def test_a_commitment_moved_to_another_focus_area_cannot_keep_its_section(client, world, editor):
    focus_area, other_area = FocusAreaFactory(agreement=world.agreement), FocusAreaFactory(agreement=world.agreement)
    section = FocusAreaSectionFactory(focus_area=focus_area)
    commitment = CommitmentFactory(focus_area=focus_area, section=section)
    client.force_login(editor)

    response = client.post(
        reverse("focusareas:commitment_edit", args=[commitment.pk]),
        {
            "parties": [world.police.pk],
            "text": "genomföra riktade kontroller",
            "focus_area": other_area.pk,
            "section": section.pk,
            "loaded_version": commitment.version,
        },
    )

    assert response.status_code == 200
    assert "Välj ett avsnitt i samma fokusområde." in response.content.decode()
    commitment.refresh_from_db()
    assert (commitment.focus_area, commitment.section) == (focus_area, section)


def test_a_section_of_another_focus_area_is_refused(world):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    foreign = FocusAreaSectionFactory(focus_area=FocusAreaFactory(agreement=world.agreement))
    plan_only = Commitment(agreement=world.agreement, action_plan=None, focus_area=None, section=foreign, text="x")

    for item in (ActivityRow(focus_area=focus_area, section=foreign, activity="x"), plan_only):
        with pytest.raises(ValidationError) as refusal:
            item.full_clean(exclude=["parties"])
        assert "section" in refusal.value.message_dict


def test_deleting_a_section_keeps_what_stood_in_it(world):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    section = FocusAreaSectionFactory(focus_area=focus_area)
    row = ActivityRowFactory(focus_area=focus_area, section=section)

    section.delete()

    row.refresh_from_db()
    assert row.section is None and not FocusAreaSection.objects.filter(pk=section.pk).exists()


def test_a_commitment_put_in_a_section_inline_is_shown_there_at_once(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    section = FocusAreaSectionFactory(focus_area=focus_area, heading="Insatser i centrum")
    commitment = CommitmentFactory(focus_area=focus_area, parties=[world.police])
    client.force_login(editor)
    data = {"parties": [world.police.pk], "text": "genomföra riktade kontroller", "focus_area": focus_area.pk}
    htmx = {"HTTP_HX_REQUEST": "true"}

    kept = client.post(
        reverse("focusareas:commitment_edit", args=[commitment.pk]), data | {"loaded_version": 1}, **htmx
    )
    moved = client.post(
        reverse("focusareas:commitment_edit", args=[commitment.pk]),
        data | {"section": section.pk, "loaded_version": 2},
        **htmx,
    )
    added = client.post(
        reverse("focusareas:commitment_add", args=[world.agreement.pk]) + f"?focus_area={focus_area.pk}",
        data | {"section": section.pk},
        **htmx,
    )

    assert f'id="commitment-{commitment.pk}"' in kept.content.decode()
    assert moved["HX-Redirect"].endswith(f"#commitment-{commitment.pk}")
    assert added["HX-Redirect"].endswith(f"#commitment-{Commitment.objects.latest('pk').pk}")
    workbench = client.get(reverse("documents:workbench", args=[world.agreement.pk])).content.decode()
    start = workbench.index(f'id="focus-area-section-{section.pk}"')
    assert start < workbench.index(f'id="commitment-{commitment.pk}"') < workbench.index(f'id="rows-{focus_area.pk}"')
