"""A list pasted into a focus area or an action plan becomes one commitment per item, previewed and saved at once."""

from pathlib import Path

import pytest
from django.urls import reverse

from agreements.models import Agreement, AgreementFrozen
from focusareas.models import Commitment
from focusareas.paste import MAX_COMMITMENTS, PasteError, parse_commitments
from focusareas.services import commitments_paste
from focusareas.tests.factories import ActionPlanFactory, CommitmentFactory, FocusAreaFactory

pytestmark = pytest.mark.django_db

CLIPBOARD = Path(__file__).parents[2] / "samverkan" / "tests" / "fixtures" / "clipboard"
# What Word puts on the clipboard as plain text for a bullet list: the bullet, a tab, the text.
WORD_TEXT = (
    "Polisen förbinder sig att:\r\n"
    "·\tgenomföra minst fem krogtillsyner under året,\r\n"
    "·\tdelta i trygghetsvandringar i centrum\r\n"
    "varje höst och\r\n"
    "o\tbjuda in fastighetsägarna\r\n"
    "\r\n"
    "Uppföljning sker i styrgruppen.\r\n"
)


@pytest.mark.parametrize(
    ("text", "commitments"),
    [
        (
            WORD_TEXT,
            [
                "genomföra minst fem krogtillsyner under året",
                "delta i trygghetsvandringar i centrum varje höst",
                "bjuda in fastighetsägarna",
            ],
        ),
        ("1. Kartlägga problemen\n2) Analysera orsakerna\n", ["Kartlägga problemen", "Analysera orsakerna"]),
        (
            "Kommunen lovar att ordna vandringar\nTillsammans lovar vi att följa upp varje kvartal\n",
            ["ordna vandringar", "följa upp varje kvartal"],
        ),
        (
            "- Sölvesborgs kommun förbinder sig till att utse en samordnare;\n- Polisen åtar sig att närvara",
            ["utse en samordnare", "närvara"],
        ),
        (
            "Ordna trygghetsvandringar\n\nMöta skolorna varje termin\n",
            ["Ordna trygghetsvandringar", "Möta skolorna varje termin"],
        ),
    ],
)
def test_each_item_of_a_pasted_list_is_one_commitment_without_its_bullet_or_lead_in(text, commitments):
    assert parse_commitments(text) == commitments


def test_a_list_copied_from_word_as_html_gives_its_items():
    assert parse_commitments((CLIPBOARD / "word_bullet_list.html").read_text()) == [
        "genomföra trygghetsvandringar i centrum varje höst",
        "samla in och dela sin lägesbild varje vecka",
        "bjuda in polisen till fritidsgårdarnas personalmöten",
    ]


@pytest.mark.parametrize("text", ["", "\n  \n", "Polisen förbinder sig att:\n", "•  \n- "])
def test_a_text_without_items_is_refused(text):
    with pytest.raises(PasteError):
        parse_commitments(text)


def test_more_commitments_than_a_paste_takes_are_refused():
    with pytest.raises(PasteError, match=str(MAX_COMMITMENTS)):
        parse_commitments("\n".join(f"• åtagande {n}" for n in range(MAX_COMMITMENTS + 1)))


def paste_url(owner) -> str:
    kind = "fokusomrade" if owner._meta.model_name == "focusarea" else "handlingsplan"
    return reverse("focusareas:commitments_paste", args=[kind, owner.pk])


def preview(client, owner, data: dict):
    url = paste_url(owner)
    fingerprint = client.get(url).context["form"]["loaded_fingerprint"].value()
    return client.post(url, {"loaded_fingerprint": fingerprint, **data})


def confirm(client, owner, shown) -> object:
    """Post the preview's own hidden fields back, as its "Create" button does."""
    form = shown.context["form"]
    data = {
        "loaded_fingerprint": form["loaded_fingerprint"].value(),
        "text": form["text"].value(),
        "parties": [party.pk for party in shown.context["parties"]],
        "confirm": "1",
    }
    return client.post(paste_url(owner), data)


def test_a_previewed_list_becomes_the_focus_area_s_commitments_all_at_once(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    CommitmentFactory(focus_area=focus_area, text="finns redan", order=4)
    client.force_login(editor)

    shown = preview(client, focus_area, {"text": WORD_TEXT, "parties": [world.police.pk]})

    assert shown.status_code == 200
    assert shown.context["commitments"] == parse_commitments(WORD_TEXT)
    assert "Skapa 3 åtaganden" in shown.content.decode()
    assert focus_area.commitments.count() == 1

    response = confirm(client, focus_area, shown)

    assert response.status_code == 302
    created = list(focus_area.commitments.exclude(text="finns redan"))
    assert [c.text for c in created] == parse_commitments(WORD_TEXT)
    assert [c.order for c in created] == [5, 6, 7]
    assert all(list(c.parties.all()) == [world.police] for c in created)
    assert all(c.review_status == Commitment.ReviewStatus.OPEN and c.action_plan is None for c in created)
    assert created[0].history.first().history_user == editor


def test_a_joint_list_pasted_into_an_action_plan_is_made_by_every_party_chosen(client, world, editor):
    plan = ActionPlanFactory(agreement=world.agreement)
    client.force_login(editor)

    shown = preview(
        client, plan, {"text": "• ordna vandringar\n• följa upp", "parties": [world.municipality.pk, world.police.pk]}
    )
    confirm(client, plan, shown)

    created = list(plan.commitments.all())
    assert [c.text for c in created] == ["ordna vandringar", "följa upp"]
    assert all(set(c.parties.all()) == {world.municipality, world.police} and c.focus_area is None for c in created)


def test_the_same_preview_sent_twice_creates_the_commitments_once(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    shown = preview(client, focus_area, {"text": "• ordna vandringar\n• följa upp", "parties": [world.police.pk]})

    assert confirm(client, focus_area, shown).status_code == 302
    again = confirm(client, focus_area, shown)

    assert again.status_code == 200
    assert "skickades samma lista två gånger" in again.content.decode()
    assert focus_area.commitments.count() == 2


def test_a_paste_previewed_before_someone_else_added_a_commitment_adds_nothing(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    shown = preview(client, focus_area, {"text": "• ordna vandringar", "parties": [world.police.pk]})
    CommitmentFactory(focus_area=focus_area, text="en kollegas")

    response = confirm(client, focus_area, shown)

    assert response.status_code == 200
    assert list(focus_area.commitments.values_list("text", flat=True)) == ["en kollegas"]


@pytest.mark.parametrize("parties", [[], "other"])
def test_who_commits_must_be_chosen_among_the_agreement_s_parties(client, world, editor, parties):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)
    chosen = [world.other_police.pk] if parties == "other" else parties

    response = client.post(paste_url(focus_area), {"text": "• ordna vandringar", "parties": chosen, "confirm": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors["parties"]
    assert "ordna vandringar" in response.content.decode()
    assert not focus_area.commitments.exists()


def test_a_list_without_items_gets_a_message_on_the_form(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    client.force_login(editor)

    response = client.post(paste_url(focus_area), {"text": "Polisen förbinder sig att:", "parties": [world.police.pk]})

    assert response.context["form"].errors["text"] == [
        "Det finns ingen lista att läsa. Kopiera listan med åtaganden i Word och klistra in den här."
    ]


def test_a_signed_agreement_takes_no_pasted_commitments(world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    Agreement.objects.filter(pk=world.agreement.pk).update(status=Agreement.Status.SIGNED)

    with pytest.raises(AgreementFrozen):
        commitments_paste(owner=focus_area, texts=["ordna vandringar"], parties=[world.police], user=editor)
    assert not focus_area.commitments.exists()


def test_the_workbench_offers_the_paste_for_each_focus_area_and_action_plan(client, world, editor):
    focus_area = FocusAreaFactory(agreement=world.agreement)
    plan = ActionPlanFactory(agreement=world.agreement)
    client.force_login(editor)

    page = client.get(reverse("documents:workbench", args=[world.agreement.pk])).content.decode()

    assert f'href="{paste_url(focus_area)}"' in page and f'href="{paste_url(plan)}"' in page
