"""A commitment as real ones are written: who it is for, its milestones within the year and a target in words."""

import pytest
from django.urls import reverse

from focusareas.forms import CommitmentForm
from focusareas.models import Commitment
from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "target_group": "unga 13–17 år",
    "target_text": "minst 3 under perioden maj–dec",
    "milestones": "Under våren: föräldramöten i årskurs 7\n\n  Vid skolstart: information till alla nya elever  ",
}


def test_the_form_saves_the_target_group_milestones_and_target_in_words(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    response = client.post(
        reverse("focusareas:commitment_add", args=[world.agreement.pk]),
        {"parties": [world.police.pk], "text": "besöka skolorna", "focus_area": focus_area.pk, **DETAILS},
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.target_group, commitment.target_text) == ("unga 13–17 år", "minst 3 under perioden maj–dec")
    # A target only in words is a whole target: no number, unit or scope is asked for.
    assert (commitment.target_value, commitment.target_unit, commitment.target_scope) == (None, "", "")
    assert commitment.milestone_lines == [
        "Under våren: föräldramöten i årskurs 7",
        "Vid skolstart: information till alla nya elever",
    ]


def test_the_form_offers_the_new_fields_and_keeps_the_number_beside_the_words(world):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    form = CommitmentForm(
        data={
            "parties": [world.police.pk],
            "text": "kontrollera hastigheten vid skolorna",
            "focus_area": focus_area.pk,
            "target_value": "1",
            "target_unit": "kontroll per dygn",
            "target_scope": "per_year",
            "target_text": "1,2 kontroller per dygn",
            "loaded_version": "1",
        },
        agreement=world.agreement,
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["target_value"], form.cleaned_data["target_text"]) == (1, "1,2 kontroller per dygn")


def test_too_long_details_are_refused_on_the_form(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    response = client.post(
        reverse("focusareas:commitment_add", args=[world.agreement.pk]),
        {
            "parties": [world.police.pk],
            "text": "besöka skolorna",
            "focus_area": focus_area.pk,
            "target_group": "x" * 201,
            "target_text": "x" * 301,
            "milestones": "x" * 1001,
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"target_group", "target_text", "milestones"}
    assert not Commitment.objects.exists()


@pytest.fixture
def detailed(world):
    focus_area = FocusAreaFactory(agreement=world.agreement, title="Unga")
    return CommitmentFactory(
        focus_area=focus_area,
        parties=[world.police],
        text="besöka skolorna",
        target_value=3,
        target_unit="besök",
        target_scope="period",
        **DETAILS,
    )


def shows_the_details(html: str) -> None:
    assert "Målgrupp: unga 13–17 år" in html
    # The target as the agreement words it, not the number the follow-up counts.
    assert "Mål: minst 3 under perioden maj–dec" in html
    assert "minst 3 besök" not in html
    assert "Under året:" in html
    assert "<li>Under våren: föräldramöten i årskurs 7</li>" in html
    assert "<li>Vid skolstart: information till alla nya elever</li>" in html


def test_the_workbench_item_shows_them(client, detailed, editor):
    client.force_login(editor)
    shows_the_details(client.get(reverse("documents:workbench", args=[detailed.agreement_id])).content.decode())


def test_the_review_page_shows_them(client, detailed, reviewer):
    client.force_login(reviewer)
    shows_the_details(client.get(reverse("focusareas:review", args=[detailed.agreement_id])).content.decode())


def test_without_words_the_numeric_target_is_shown(client, detailed, editor):
    Commitment.objects.filter(pk=detailed.pk).update(target_text="")
    client.force_login(editor)
    html = client.get(reverse("documents:workbench", args=[detailed.agreement_id])).content.decode()
    assert "Mål: minst 3 besök under avtalsperioden" in html
