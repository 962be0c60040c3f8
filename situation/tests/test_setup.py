"""The EST set-up of a municipality: factors, places and reporters, edited by its security unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samverkan.tests.helpers import management
from situation.models import DEFAULT_FACTORS, Factor, Place, Reporter

pytestmark = pytest.mark.django_db


def setup_url(world, kind: str) -> str:
    return reverse("situation:setup", kwargs={"pk": world.municipality.pk, "kind": kind})


def test_a_new_municipality_starts_from_the_est_checklist_saved_with_the_form(client, world, editor):
    client.force_login(editor)
    page = client.get(setup_url(world, "faktorer")).content.decode()
    assert all(name in page for name in DEFAULT_FACTORS[:4])
    assert not Factor.objects.exists()  # showing the checklist writes nothing

    data = management("faktorer", len(DEFAULT_FACTORS))
    for index, name in enumerate(DEFAULT_FACTORS):
        data |= {f"faktorer-{index}-name": name, f"faktorer-{index}-order": index + 1, f"faktorer-{index}-active": "on"}
    response = client.post(setup_url(world, "faktorer"), data)

    assert response.status_code == 302
    names = list(Factor.objects.filter(municipality=world.municipality).values_list("name", flat=True))
    assert names == list(DEFAULT_FACTORS)


def test_places_are_ordered_and_a_place_can_be_taken_out_of_use(client, world, editor):
    client.force_login(editor)
    data = management("platser", 2) | {
        "platser-0-name": "Centrum",
        "platser-0-order": "2",
        "platser-0-active": "on",
        "platser-1-name": "Hamnen",
        "platser-1-order": "1",
    }
    assert client.post(setup_url(world, "platser"), data).status_code == 302
    assert [(p.name, p.active) for p in Place.objects.filter(municipality=world.municipality)] == [
        ("Hamnen", False),
        ("Centrum", True),
    ]


def test_a_reporter_twice_is_refused_in_swedish_keeping_what_was_typed(client, world, editor):
    Reporter.objects.create(municipality=world.other_municipality, name="Annan", email="anna@skola.se")
    client.force_login(editor)
    data = management("rapportorer", 2) | {
        "rapportorer-0-name": "Anna Skolkurator",
        "rapportorer-0-email": "anna@skola.se",
        "rapportorer-0-organisation": "Söderskolan",
        "rapportorer-0-active": "on",
        "rapportorer-1-name": "Anna igen",
        "rapportorer-1-email": "ANNA@skola.se",
    }
    response = client.post(setup_url(world, "rapportorer"), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Detta står två gånger i listan." in page
    assert "Anna igen" in page and "Söderskolan" in page
    assert not Reporter.objects.filter(municipality=world.municipality).exists()


def test_a_bad_address_is_refused_on_the_form(client, world, editor):
    client.force_login(editor)
    data = management("rapportorer", 1) | {"rapportorer-0-name": "Bo", "rapportorer-0-email": "inte en adress"}
    response = client.post(setup_url(world, "rapportorer"), data)
    assert response.status_code == 200
    assert "Fyll i en giltig e-postadress." in response.content.decode()
    assert not Reporter.objects.exists()


def test_only_the_security_unit_sets_the_survey_up(client, world, reviewer, reader, outsider):
    for user, status in ((reviewer, 403), (reader, 403), (outsider, 404)):
        client.force_login(user)
        data = management("platser", 1) | {"platser-0-name": "Torget", "platser-0-order": "1"}
        assert client.post(setup_url(world, "platser"), data).status_code == status
    assert not Place.objects.exists()


def test_the_police_see_the_municipalities_of_their_police_area_and_no_others(
    client, world, reviewer, other_police_reviewer
):
    client.force_login(reviewer)
    page = client.get(reverse("situation:index")).content.decode()
    assert world.municipality.name in page and world.neighbour.name in page
    assert world.other_municipality.name not in page
    assert client.get(reverse("situation:municipality", args=[world.neighbour.pk])).status_code == 200

    client.force_login(other_police_reviewer)
    assert client.get(reverse("situation:municipality", args=[world.municipality.pk])).status_code == 404


def test_a_municipality_sees_only_its_own(client, world, outsider):
    client.force_login(outsider)
    page = client.get(reverse("situation:index")).content.decode()
    assert world.other_municipality.name in page and world.municipality.name not in page
    assert client.get(reverse("situation:municipality", args=[world.municipality.pk])).status_code == 404
