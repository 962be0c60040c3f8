"""Each user chooses whether the service e-mails them, on their own settings page; every message honours it."""

import pytest
from django.urls import reverse

from agreements.models import Membership, Organisation, Preferences

pytestmark = pytest.mark.django_db


def police_reviewers(agreement) -> list[str]:
    return Membership.objects.addresses(
        agreement=agreement, kinds=Organisation.POLICE_KINDS, roles=[Membership.Role.REVIEWER]
    )


@pytest.fixture
def addressed(reviewer):
    reviewer.email = "reviewer@example.se"
    reviewer.save()
    return reviewer


def test_e_mail_is_on_until_the_user_turns_it_off(client, world, addressed):
    client.force_login(addressed)
    page = client.get(reverse("preferences")).content.decode()
    assert "Mina inställningar" in page
    assert 'name="wants_email"' in page and "checked" in page
    assert police_reviewers(world.agreement) == ["reviewer@example.se"]
    assert not Preferences.objects.exists()  # showing the page writes nothing

    response = client.post(reverse("preferences"), {})
    assert response.url == reverse("preferences")
    assert Preferences.objects.get(user=addressed).wants_email is False
    assert police_reviewers(world.agreement) == []

    client.post(reverse("preferences"), {"wants_email": "on"})
    assert police_reviewers(world.agreement) == ["reviewer@example.se"]


def test_one_users_choice_is_theirs_alone(client, world, addressed, other_police_reviewer):
    client.force_login(other_police_reviewer)
    client.post(reverse("preferences"), {})
    assert Preferences.objects.get().user == other_police_reviewer
    assert police_reviewers(world.agreement) == ["reviewer@example.se"]
