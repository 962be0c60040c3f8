"""Creating and editing an agreement with its parties, signatories and forums."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import Agreement, CooperationForum, Signatory
from agreements.tests.factories import SignatoryFactory
from samverkan.tests.helpers import edit_data, management

pytestmark = pytest.mark.django_db


def create_data(world, **overrides) -> dict:
    data = {
        "title": "Samverkansöverenskommelse 2027–2030",
        "start_date": "2027-01-01",
        "end_date": "2030-12-31",
        "copies": "2",
        **management("parties", 2),
        "parties-0-organisation": str(world.municipality.pk),
        "parties-1-organisation": str(world.police.pk),
    }
    data.update(overrides)
    return data


def test_an_editor_creates_an_agreement_with_its_parties(client, world, editor):
    client.force_login(editor)
    response = client.post(reverse("agreements:create"), create_data(world))
    agreement = Agreement.objects.get(title="Samverkansöverenskommelse 2027–2030")
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    assert [p.organisation for p in agreement.party_links.all()] == [world.municipality, world.police]
    assert agreement.status == Agreement.Status.DRAFT


def test_an_agreement_may_have_more_than_two_parties(client, world, editor):
    client.force_login(editor)
    data = create_data(world, **management("parties", 3))
    data["parties-2-organisation"] = str(world.neighbour.pk)
    client.post(reverse("agreements:create"), data)
    agreement = Agreement.objects.get(title="Samverkansöverenskommelse 2027–2030")
    assert agreement.parties.count() == 3


def test_an_open_ended_agreement_needs_a_revision_interval(client, world, editor):
    client.force_login(editor)
    response = client.post(reverse("agreements:create"), create_data(world, end_date=""))
    assert response.status_code == 200
    assert "revision_interval_years" in response.context["form"].errors
    client.post(reverse("agreements:create"), create_data(world, end_date="", revision_interval_years="3"))
    agreement = Agreement.objects.get(title="Samverkansöverenskommelse 2027–2030")
    assert agreement.end_date is None and agreement.revision_interval_years == 3


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2026-01-01"}, "end_date"),
        ({"end_date": "2067-01-01"}, "end_date"),
        ({"title": ""}, "title"),
        ({"title": "x" * 100_000}, "title"),
        ({"start_date": "2027-02-30"}, "start_date"),
        ({"copies": "-1"}, "copies"),
        ({"revision_interval_years": "40", "end_date": ""}, "revision_interval_years"),
    ],
)
def test_bad_input_is_refused_on_the_form_and_kept(client, world, editor, overrides, field):
    client.force_login(editor)
    data = create_data(world, purpose="Det här får inte försvinna.", **overrides)
    response = client.post(reverse("agreements:create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Agreement.objects.filter(purpose="Det här får inte försvinna.").exists()
    page = response.content.decode()
    assert "Det här får inte försvinna." in page
    assert "Överenskommelsen har inte sparats" in page


def test_required_fields_are_named_in_swedish(client, world, editor):
    client.force_login(editor)
    response = client.post(reverse("agreements:create"), create_data(world, title=""))
    assert "Detta fält måste fyllas i." in response.content.decode()


def test_parties_must_include_a_municipality_and_the_police(client, world, editor):
    client.force_login(editor)
    data = create_data(world)
    data["parties-1-organisation"] = str(world.neighbour.pk)
    response = client.post(reverse("agreements:create"), data)
    assert response.status_code == 200
    assert response.context["formsets"]["parties"].non_form_errors()
    assert not Agreement.objects.filter(title=data["title"]).exists()


def test_editors_cannot_create_agreements_for_others(client, world, editor):
    client.force_login(editor)
    data = create_data(world)
    data["parties-0-organisation"] = str(world.other_municipality.pk)
    response = client.post(reverse("agreements:create"), data)
    assert response.status_code == 200
    assert not Agreement.objects.filter(title=data["title"]).exists()


def test_the_same_party_cannot_be_listed_twice(client, world, editor):
    client.force_login(editor)
    data = create_data(world, **management("parties", 3))
    data["parties-2-organisation"] = str(world.police.pk)
    response = client.post(reverse("agreements:create"), data)
    assert response.status_code == 200
    assert not Agreement.objects.filter(title=data["title"]).exists()


def test_an_editor_adds_signatories_and_forums(client, world, editor):
    agreement = world.agreement
    client.force_login(editor)
    data = edit_data(agreement, **management("signatories", 2), **management("forums", 1))
    data |= {
        "signatories-0-name": "Karin Lund",
        "signatories-0-title": "Lokalpolisområdeschef",
        "signatories-0-party": str(world.police.pk),
        "signatories-0-order": "2",
        "signatories-1-name": "Per Holm",
        "signatories-1-title": "Kommunstyrelsens ordförande",
        "signatories-1-party": str(world.municipality.pk),
        "signatories-1-order": "1",
        "forums-0-name": "EST",
        "forums-0-meeting_frequency": "Varje vecka",
    }
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    assert [s.name for s in agreement.signatories.all()] == ["Per Holm", "Karin Lund"]
    assert CooperationForum.objects.get(agreement=agreement).meeting_frequency == "Varje vecka"


def test_a_signatory_signs_for_a_party_of_the_agreement(client, world, editor):
    client.force_login(editor)
    data = edit_data(world.agreement, **management("signatories", 1))
    data |= {
        "signatories-0-name": "Eva Berg",
        "signatories-0-title": "Vd",
        "signatories-0-party": str(world.other_police.pk),
        "signatories-0-order": "1",
    }
    response = client.post(reverse("agreements:edit", args=[world.agreement.pk]), data)
    assert response.status_code == 200
    assert not Signatory.objects.filter(name="Eva Berg").exists()


def test_a_party_with_a_signatory_cannot_be_removed(client, world, editor):
    agreement = world.agreement
    SignatoryFactory(agreement=agreement, party=world.police)
    client.force_login(editor)
    data = edit_data(agreement, **{"parties-1-DELETE": "on"})
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert agreement.parties.count() == 2


def test_a_stale_edit_is_refused_and_the_input_kept(client, world, editor):
    agreement = world.agreement
    client.force_login(editor)
    stale = edit_data(agreement, title="Min titel")
    client.post(reverse("agreements:edit", args=[agreement.pk]), edit_data(agreement, title="Kollegans titel"))

    response = client.post(reverse("agreements:edit", args=[agreement.pk]), stale)

    agreement.refresh_from_db()
    assert response.status_code == 200
    assert agreement.title == "Kollegans titel"
    page = response.content.decode()
    assert 'value="Min titel"' in page
    assert response.context["form"].non_field_errors()
    # Saving again, having seen the warning, is a deliberate choice and goes through.
    again = response.context["form"].data.copy()
    assert client.post(reverse("agreements:edit", args=[agreement.pk]), again).status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Min titel"


def test_editing_keeps_the_period(client, world, editor):
    client.force_login(editor)
    client.post(reverse("agreements:edit", args=[world.agreement.pk]), edit_data(world.agreement, purpose="Nytt syfte"))
    world.agreement.refresh_from_db()
    assert world.agreement.purpose == "Nytt syfte"
    assert world.agreement.end_date == date(2026, 12, 31)


def test_a_party_is_given_the_name_the_text_calls_it(client, world, editor):
    client.force_login(editor)
    data = edit_data(world.agreement, **{"parties-1-display_name": "Polisen"})
    response = client.post(reverse("agreements:edit", args=[world.agreement.pk]), data)
    assert response.status_code == 302
    assert [(p.organisation, p.display_name) for p in world.agreement.party_links.all()] == [
        (world.municipality, ""),
        (world.police, "Polisen"),
    ]


def test_the_first_year_followed_up_is_a_year_of_the_period(client, world, editor):
    client.force_login(editor)
    url = reverse("agreements:edit", args=[world.agreement.pk])
    response = client.post(url, edit_data(world.agreement, first_follow_up_year="2027"))
    assert response.status_code == 200
    assert response.context["form"].errors["first_follow_up_year"] == [
        "Det första uppföljningsåret måste vara ett år inom överenskommelsens period."
    ]
    assert client.post(url, edit_data(world.agreement, first_follow_up_year="2024")).status_code == 302
    world.agreement.refresh_from_db()
    assert world.agreement.first_follow_up_year == 2024 and world.agreement.follow_up_from == 2024


def test_the_list_of_focus_areas_is_kept_or_left_out_on_the_form(client, world, editor):
    client.force_login(editor)
    url = reverse("agreements:edit", args=[world.agreement.pk])
    assert client.post(url, edit_data(world.agreement)).status_code == 302
    world.agreement.refresh_from_db()
    assert world.agreement.lists_focus_areas is True
    data = edit_data(world.agreement)
    del data["lists_focus_areas"]
    assert client.post(url, data).status_code == 302
    world.agreement.refresh_from_db()
    assert world.agreement.lists_focus_areas is False
