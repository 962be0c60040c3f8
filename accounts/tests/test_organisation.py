"""A municipality sets up its own users: invitations with a link to choose a password, roles, deactivation and
partner organisations, without the system administrator."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Membership, Organisation
from samverkan.tests.helpers import member

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def administrator(world):
    user = member(world.municipality, Membership.Role.EDITOR, "admin-hamnstad")
    Membership.objects.filter(user=user).update(is_administrator=True)
    return user


def invite(client, organisation, django_capture_on_commit_callbacks, **data):
    fields = {"email": "", "first_name": "Ada", "last_name": "Berg", "role": Membership.Role.EDITOR} | data
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:invite", args=[organisation.pk]), fields)


def logs_in(client, username: str, password: str) -> bool:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def link_in(message) -> str:
    return re.search(r"https?://\S+(/organisation/aktivera/\S+/)", message.body).group(1)


def test_an_invited_person_chooses_a_password_through_the_link_and_logs_in(
    client, world, administrator, django_capture_on_commit_callbacks
):
    client.force_login(administrator)
    response = invite(client, world.municipality, django_capture_on_commit_callbacks, email="ada.berg@hamnstad.se")

    assert response.status_code == 302
    user = User.objects.get(email="ada.berg@hamnstad.se")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).organisation == world.municipality
    assert [message.to for message in mail.outbox] == [["ada.berg@hamnstad.se"]]
    assert "Hamnstads kommun" in mail.outbox[0].subject

    client.logout()
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert "Välj ditt lösenord" in form_page.content.decode()
    saved = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Hamnen-2026!x", "new_password2": "Hamnen-2026!x"}
    )
    assert saved.status_code == 302 and saved["Location"] == reverse("login")
    assert logs_in(client, "ada.berg@hamnstad.se", "Hamnen-2026!x")

    client.logout()
    again = client.get(link, follow=True)
    assert "redan använts eller är för gammal" in again.content.decode()


def test_someone_who_already_has_a_user_is_given_the_role_and_told(
    client, world, administrator, reviewer, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=reviewer.pk).update(email="polis@example.se")
    client.force_login(administrator)
    invite(client, world.municipality, django_capture_on_commit_callbacks, email="POLIS@example.se", role="reader")

    assert Membership.objects.filter(user=reviewer, organisation=world.municipality, role="reader").exists()
    assert User.objects.filter(email__iexact="polis@example.se").count() == 1
    assert "aktivera" not in mail.outbox[0].body


def test_inviting_someone_who_already_has_a_role_says_so_and_keeps_the_form(
    client, world, administrator, editor, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=editor.pk).update(email="redan@hamnstad.se")
    client.force_login(administrator)
    response = invite(
        client, world.municipality, django_capture_on_commit_callbacks, email="redan@hamnstad.se", first_name="Bodil"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "redan en roll i Hamnstads kommun" in page
    assert 'value="Bodil"' in page
    assert not mail.outbox


def test_only_the_organisations_administrators_invite_into_it(
    client, world, administrator, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)  # an editor, not an administrator
    assert invite(client, world.municipality, django_capture_on_commit_callbacks, email="x@y.se").status_code == 403
    client.force_login(administrator)  # an administrator, of another organisation
    assert invite(client, world.police, django_capture_on_commit_callbacks, email="x@y.se").status_code == 403
    assert not User.objects.filter(email="x@y.se").exists()


def test_a_deactivated_user_cannot_log_in_and_can_be_let_in_again(client, world, administrator, reader):
    reader.set_password("lösen-ord-1")
    reader.save()
    membership = Membership.objects.get(user=reader)
    client.force_login(administrator)
    url = reverse("accounts:member_edit", args=[membership.pk])

    client.post(url, {"role": "reader"})
    reader.refresh_from_db()
    assert not reader.is_active
    client.logout()
    assert not logs_in(client, reader.username, "lösen-ord-1")

    client.force_login(administrator)
    client.post(url, {"role": "editor", "active": "on"})
    reader.refresh_from_db()
    assert reader.is_active and Membership.objects.get(user=reader).role == "editor"


def test_deactivating_someone_with_a_role_elsewhere_takes_only_this_organisations_role(
    client, world, administrator, reader
):
    Membership.objects.create(user=reader, organisation=world.neighbour, role=Membership.Role.READER)
    client.force_login(administrator)
    client.post(
        reverse("accounts:member_edit", args=[Membership.objects.get(user=reader, organisation=world.municipality).pk]),
        {"role": "reader"},
    )

    reader.refresh_from_db()
    assert reader.is_active
    assert list(Membership.objects.filter(user=reader).values_list("organisation__name", flat=True)) == [
        "Slättby kommun"
    ]


def test_an_administrator_cannot_lock_themselves_out(client, world, administrator):
    client.force_login(administrator)
    membership = Membership.objects.get(user=administrator)
    response = client.post(reverse("accounts:member_edit", args=[membership.pk]), {"role": "editor", "active": "on"})

    assert "administratörsroll" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_administrator


def test_an_administrator_adds_a_partner_organisation_once(client, administrator):
    client.force_login(administrator)
    client.post(reverse("accounts:partner_add"), {"name": "  Hamnstadshem   AB "})
    response = client.post(reverse("accounts:partner_add"), {"name": "hamnstadshem ab"})

    assert list(Organisation.objects.filter(kind="other").values_list("name", flat=True)) == ["Hamnstadshem AB"]
    assert "Det finns redan en organisation som heter hamnstadshem ab" in response.content.decode()


def test_the_organisation_page_costs_the_same_with_many_members(client, world, administrator):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("accounts:organisation")).status_code == 200
        return len(captured)

    client.force_login(administrator)
    member(world.municipality, Membership.Role.READER, "one")
    few = queries()
    for number in range(15):
        member(world.municipality, Membership.Role.READER, f"member-{number}")
    assert queries() == few
