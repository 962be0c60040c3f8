"""Staff write focus areas, activities, commitments, goals and action plans."""

import pytest
from django.urls import reverse

from agreements.tests.factories import SectionFactory
from focusareas.models import ActivityRow, Commitment, FocusArea, Goal, Indicator
from focusareas.tests.factories import (
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    GoalFactory,
    IndicatorFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_focus_area_is_placed_under_a_section_of_bilaga_1(client, world, editor):
    section = SectionFactory(agreement=world.agreement, heading="Fokusområden 2023–2026")
    client.force_login(editor)
    response = client.post(
        reverse("focusareas:add", args=[world.agreement.pk]),
        {"title": "Misshandel", "group_heading": "Brottsstatistik", "placement": section.pk, "prioritised": "on"},
    )
    focus_area = FocusArea.objects.get(title="Misshandel")
    assert response.status_code == 302
    assert (focus_area.placement, focus_area.group_heading, focus_area.prioritised) == (
        section,
        "Brottsstatistik",
        True,
    )


def test_a_focus_area_is_placed_in_either_part_of_its_own_agreement_only(client, world, editor):
    foreign = SectionFactory(agreement=world.other_agreement)
    agreement_part = SectionFactory(agreement=world.agreement, part="agreement")
    client.force_login(editor)

    refused = client.post(
        reverse("focusareas:add", args=[world.agreement.pk]), {"title": "Fel", "placement": foreign.pk}
    )
    placed = client.post(
        reverse("focusareas:add", args=[world.agreement.pk]), {"title": "Rätt", "placement": agreement_part.pk}
    )

    assert "placement" in refused.context["form"].errors
    assert not FocusArea.objects.filter(title="Fel").exists()
    assert placed.status_code == 302
    assert FocusArea.objects.get(title="Rätt").placement == agreement_part


def test_an_activity_added_inline_comes_back_as_the_saved_row(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    form = client.get(reverse("focusareas:row_add", args=[focus_area.pk]), **HTMX)
    assert "<html" not in form.content.decode() and 'name="activity"' in form.content.decode()

    response = client.post(
        reverse("focusareas:row_add", args=[focus_area.pk]),
        {"activity": "Kartlägga\nvar och när", "measure": "Åtgärda", "follow_up": "", "goal_effect": ""},
        **HTMX,
    )

    row = ActivityRow.objects.get(focus_area=focus_area)
    page = response.content.decode()
    assert "<html" not in page and f'id="row-{row.pk}"' in page and "Kartlägga<br>var och när" in page


def test_an_inline_form_with_errors_stays_in_place_with_the_input(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    response = client.post(
        reverse("focusareas:row_add", args=[focus_area.pk]), {"activity": "", "measure": "Min åtgärd"}, **HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "Min åtgärd" in page and "Detta fält måste fyllas i." in page
    assert not ActivityRow.objects.exists()


def commitment_data(world, **overrides) -> dict:
    return {"parties": [world.police.pk], "text": "genomföra minst fem krogtillsyner", **overrides}


def test_a_commitment_with_a_target_per_year(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    url = reverse("focusareas:commitment_add", args=[world.agreement.pk]) + f"?focus_area={focus_area.pk}"
    response = client.post(
        url,
        commitment_data(
            world,
            focus_area=focus_area.pk,
            responsible_role="Kommunpolisen",
            target_value="5",
            target_unit="krogtillsyner",
            target_scope="per_year",
            third_parties="Miljöförbundet",
        ),
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.target_value, commitment.target_scope) == (5, "per_year")
    assert list(commitment.parties.all()) == [world.police]
    assert commitment.review_status == Commitment.ReviewStatus.OPEN


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_value": "5"}, "target_scope"),
        ({"target_unit": "tillsyner"}, "target_value"),
        ({"target_value": "-3", "target_scope": "per_year"}, "target_value"),
        ({"target_value": "99999999999", "target_scope": "per_year"}, "target_value"),
        ({"text": ""}, "text"),
        ({"parties": []}, "parties"),
    ],
)
def test_commitment_input_is_checked(client, world, editor, overrides, field):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    url = reverse("focusareas:commitment_add", args=[world.agreement.pk])
    response = client.post(url, commitment_data(world, focus_area=focus_area.pk, place="Hamnen", **overrides))
    assert field in response.context["form"].errors
    assert "Hamnen" in response.content.decode()
    assert not Commitment.objects.exists()


def test_only_the_agreements_parties_can_commit(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    response = client.post(
        reverse("focusareas:commitment_add", args=[world.agreement.pk]),
        commitment_data(world, focus_area=focus_area.pk, parties=[world.other_police.pk]),
    )
    assert "parties" in response.context["form"].errors


def test_a_commitment_needs_a_focus_area_or_an_action_plan(client, world, editor):
    client.force_login(editor)
    response = client.post(reverse("focusareas:commitment_add", args=[world.agreement.pk]), commitment_data(world))
    assert response.context["form"].errors
    assert not Commitment.objects.exists()


def test_a_goal_with_an_indicator_and_without(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    url = reverse("focusareas:goal_add", args=[world.agreement.pk])
    client.post(
        url,
        {
            "kind": "effect",
            "text": "Antalet misshandelsbrott ska minska",
            "focus_area": focus_area.pk,
            "indicator-name": "Anmälda misshandelsbrott",
            "indicator-source": "reported_crime",
            "indicator-direction": "decrease",
            "indicator-baseline_year": "2022",
            "indicator-baseline_value": "412",
        },
    )
    goal = Goal.objects.get()
    assert goal.indicator.baseline_value == 412
    client.post(
        reverse("focusareas:goal_edit", args=[goal.pk]),
        {"kind": "effect", "text": goal.text, "focus_area": focus_area.pk, "loaded_version": goal.version},
    )
    assert not Indicator.objects.exists()


def test_an_indicator_to_reach_at_least_needs_a_target(client, world, editor):
    client.force_login(editor)
    response = client.post(
        reverse("focusareas:goal_add", args=[world.agreement.pk]),
        {
            "kind": "result",
            "text": "Minst en avloppsanalys per år",
            "indicator-name": "Avloppsanalyser",
            "indicator-source": "own_count",
            "indicator-direction": "at_least",
        },
    )
    assert response.status_code == 200
    assert response.context["indicator_form"].errors
    assert not Goal.objects.exists()


def hidden_fingerprint(response) -> str:
    """The fingerprint a page's form carries back, as the browser would send it."""
    return response.context["form"]["loaded_fingerprint"].value()


def editable(kind: str, world, focus_area):
    """An item of the kind, its edit URL, valid form data and the field that holds its text."""
    if kind == "row":
        row = ActivityRowFactory(focus_area=focus_area)
        return row, reverse("focusareas:row_edit", args=[row.pk]), {}, "activity"
    if kind == "commitment":
        commitment = CommitmentFactory(focus_area=focus_area)
        return commitment, reverse("focusareas:commitment_edit", args=[commitment.pk]), commitment_data(world), "text"
    if kind == "goal":
        goal = GoalFactory(focus_area=focus_area)
        return goal, reverse("focusareas:goal_edit", args=[goal.pk]), {"kind": "effect"}, "text"
    return focus_area, reverse("focusareas:edit", args=[focus_area.pk]), {}, "title"


@pytest.mark.parametrize("kind", ["row", "commitment", "goal", "focus_area"])
def test_a_stale_edit_is_refused_and_the_input_kept(client, world, editor, kind):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    item, url, data, field = editable(kind, world, focus_area)
    data["focus_area"] = focus_area.pk
    loaded = item.version
    client.force_login(editor)
    assert client.post(url, {**data, field: "Kollegans text", "loaded_version": loaded}).status_code == 302

    response = client.post(url, {**data, field: "Min text", "loaded_version": loaded})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Min text" in response.content.decode()
    item.refresh_from_db()
    assert getattr(item, field) == "Kollegans text"


def test_pasting_shows_a_preview_and_saves_only_when_confirmed(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    ActivityRowFactory(focus_area=focus_area, order=0)
    client.force_login(editor)
    table = (
        "Aktivitet\tÅtgärd\tUppföljning\tMål/Effekt\r\n"
        'Kartlägga\t"Rad ett\nRad två"\tStatistik\tFärre\r\n'
        "Skydda\tInsats\t\t\r\n"
    )
    url = reverse("focusareas:rows_paste", args=[focus_area.pk])

    preview = client.post(url, {"table": table, "loaded_fingerprint": hidden_fingerprint(client.get(url))})
    assert len(preview.context["rows"]) == 2
    assert ActivityRow.objects.filter(focus_area=focus_area).count() == 1

    response = client.post(url, {"table": table, "confirm": "1", "loaded_fingerprint": hidden_fingerprint(preview)})
    assert response.status_code == 302
    rows = list(ActivityRow.objects.filter(focus_area=focus_area))
    assert [r.activity for r in rows][1:] == ["Kartlägga", "Skydda"]
    assert rows[1].measure == "Rad ett\nRad två"
    assert rows[1].history.first().history_user == editor


def test_a_malformed_paste_saves_nothing_and_keeps_the_text(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    table = "a\tb\tc\td\nbra rad\tb\nfel\tb\tc\td\te\tf"
    response = client.post(reverse("focusareas:rows_paste", args=[focus_area.pk]), {"table": table, "confirm": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["table"]
    assert "bra rad" in response.content.decode()
    assert not ActivityRow.objects.exists()


def test_items_move_and_delete(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    first = ActivityRowFactory(focus_area=focus_area, activity="Första", order=0)
    second = ActivityRowFactory(focus_area=focus_area, activity="Andra", order=1)
    client.force_login(editor)
    client.post(reverse("focusareas:item_move", args=["aktivitet", second.pk, "up"]))
    assert [r.activity for r in focus_area.rows.all()] == ["Andra", "Första"]
    delete = reverse("focusareas:item_delete", args=["aktivitet", first.pk])
    client.post(delete, {"loaded_fingerprint": client.get(delete).context["form"]["loaded_fingerprint"].value()})
    assert [r.activity for r in focus_area.rows.all()] == ["Andra"]
    assert ActivityRow.history.filter(activity="Första", history_type="-").exists()


def test_every_change_is_recorded(world):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    row = ActivityRowFactory(focus_area=focus_area)
    commitment = CommitmentFactory(focus_area=focus_area)
    indicator = IndicatorFactory(goal=GoalFactory(focus_area=focus_area))
    for item in (focus_area, row, indicator.goal, indicator):
        assert item.history.count() == 1
    recorded = commitment.history.count()
    commitment.parties.add(world.municipality)
    assert commitment.history.count() == recorded + 1  # who commits is part of the commitment's history
