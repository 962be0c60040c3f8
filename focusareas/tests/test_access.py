"""Focus areas and what hangs under them follow their agreement's access rules."""

import pytest
from django.urls import reverse

from focusareas.tests.factories import CommitmentFactory, FocusAreaFactory
from focusareas.tests.helpers import focus_area_urls

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("editor", {200}, {200, 302}),
        ("reviewer", {200}, {403}),
        ("reader", {200}, {403}),
        ("outsider", {404}, {404}),
        ("other_police_reviewer", {404}, {404}),
    ],
)
def test_each_role_gets_what_its_membership_allows(client, world, request, role, read, write):
    client.force_login(request.getfixturevalue(role))
    for url, method, is_write in focus_area_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code in (write if is_write else read), (url, method)


def test_anonymous_users_are_sent_to_log_in(client, world):
    for url, method, _ in focus_area_urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_items_of_other_agreements_are_not_found_by_guessing_ids(client, world, editor):
    foreign = FocusAreaFactory(agreement=world.other_agreement)
    foreign_commitment = CommitmentFactory(focus_area=foreign)
    client.force_login(editor)
    assert client.get(reverse("focusareas:edit", args=[foreign.pk])).status_code == 404
    assert (
        client.post(
            reverse("focusareas:commitment_decide", args=[foreign_commitment.pk]), {"action": "accept"}
        ).status_code
        == 404
    )
    assert client.get(reverse("focusareas:item_delete", args=["atagande", foreign_commitment.pk])).status_code == 404
    # Nor can an item be put under another agreement's focus area.
    url = reverse("focusareas:commitment_add", args=[world.agreement.pk]) + f"?focus_area={foreign.pk}"
    assert client.get(url).status_code == 404


def test_an_unknown_kind_is_not_found(client, world, editor):
    client.force_login(editor)
    assert client.get("/overenskommelser/sektion/1/ta-bort/").status_code == 404
