"""A new user's empty agreement list says what to do first; an empty filter result says so and leads back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agreements.models import Membership
from agreements.tests.factories import OrganisationFactory, PoliceAreaFactory
from samverkan.tests.helpers import member

pytestmark = pytest.mark.django_db


def list_page(client, user, query: str = "") -> str:
    client.force_login(user)
    return client.get(reverse("agreements:list") + query).content.decode()


def test_a_new_editor_is_shown_how_to_start(client):
    page = list_page(client, member(OrganisationFactory(name="Nyby kommun"), Membership.Role.EDITOR, "ny"))
    assert "Inga överenskommelser ännu" in page
    assert reverse("agreements:create") in page and reverse("documents:import_docx") in page
    assert 'role="search"' not in page  # nothing to filter yet


def test_a_new_police_reviewer_is_told_what_will_come(client):
    page = list_page(client, member(PoliceAreaFactory(name="Lokalpolisområde Nyby"), Membership.Role.REVIEWER, "p"))
    assert "skickar en överenskommelse" in page
    assert reverse("agreements:create") not in page


def test_a_user_without_a_role_is_told_whom_to_ask(client, django_user_model):
    page = list_page(client, django_user_model.objects.create_user("utan-roll"))
    assert "administratör" in page


def test_a_filter_that_matches_nothing_says_so_and_leads_back(client, editor):
    page = list_page(client, editor, "?q=finns-inte")
    assert "Inga överenskommelser matchar filtret." in page
    assert f'href="{reverse("agreements:list")}">Visa alla' in page
    assert "Inga överenskommelser ännu" not in page


def test_a_user_who_sees_no_agreement_may_still_filter_the_list(client, world, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x-password-1234"))

    response = client.get(reverse("agreements:list") + "?q=Hamn")

    assert response.status_code == 200 and "Inga överenskommelser matchar filtret." in response.content.decode()
