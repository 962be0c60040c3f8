"""Focus areas and what hangs under them follow their agreement's access rules."""

import pytest
from django.urls import reverse

from focusareas.kinds import ITEM_KINDS
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, Goal
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    GoalFactory,
)

pytestmark = pytest.mark.django_db


def urls(world) -> list[tuple[str, str, bool]]:
    """(url, method, is a write) for every page of the app on the agreement of `world`."""
    agreement = world.agreement
    focus_area = FocusAreaFactory(agreement=agreement)
    row = ActivityRowFactory(focus_area=focus_area)
    commitment = CommitmentFactory(focus_area=focus_area)
    goal = GoalFactory(focus_area=focus_area)
    plan = ActionPlanFactory(agreement=agreement)
    pages = [
        (reverse("focus_area_workbench", args=[agreement.pk]), "get", False),
        (reverse("commitment_review", args=[agreement.pk]), "get", False),
        (reverse("focus_area_add", args=[agreement.pk]), "get", True),
        (reverse("focus_area_add", args=[agreement.pk]), "post", True),
        (reverse("focus_area_edit", args=[focus_area.pk]), "post", True),
        (reverse("row_add", args=[focus_area.pk]), "post", True),
        (reverse("row_edit", args=[row.pk]), "get", True),
        (reverse("rows_paste", args=[focus_area.pk]), "post", True),
        (reverse("commitment_add", args=[agreement.pk]) + f"?focus_area={focus_area.pk}", "post", True),
        (reverse("commitment_edit", args=[commitment.pk]), "post", True),
        (reverse("goal_add", args=[agreement.pk]), "post", True),
        (reverse("goal_edit", args=[goal.pk]), "get", True),
        (reverse("action_plan_add", args=[agreement.pk]), "post", True),
        (reverse("action_plan_edit", args=[plan.pk]), "get", True),
        (reverse("send_for_review", args=[agreement.pk]), "post", True),
    ]
    items = {FocusArea: focus_area, ActivityRow: row, Commitment: commitment, Goal: goal, ActionPlan: plan}
    for kind in ITEM_KINDS:
        item = items[ITEM_KINDS[kind].model]
        pages.append((reverse("item_delete", args=[kind, item.pk]), "get", True))
        pages.append((reverse("item_move", args=[kind, item.pk, "up"]), "post", True))
    return pages


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
    for url, method, is_write in urls(world):
        response = getattr(client, method)(url)
        assert response.status_code in (write if is_write else read), (url, method)


def test_anonymous_users_are_sent_to_log_in(client, world):
    for url, method, _ in urls(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_items_of_other_agreements_are_not_found_by_guessing_ids(client, world, editor):
    foreign = FocusAreaFactory(agreement=world.other_agreement)
    foreign_commitment = CommitmentFactory(focus_area=foreign)
    client.force_login(editor)
    assert client.get(reverse("focus_area_edit", args=[foreign.pk])).status_code == 404
    assert (
        client.post(reverse("commitment_decide", args=[foreign_commitment.pk]), {"action": "accept"}).status_code == 404
    )
    assert client.get(reverse("item_delete", args=["atagande", foreign_commitment.pk])).status_code == 404
    # Nor can an item be put under another agreement's focus area.
    url = reverse("commitment_add", args=[world.agreement.pk]) + f"?focus_area={foreign.pk}"
    assert client.get(url).status_code == 404


def test_an_unknown_kind_is_not_found(client, world, editor):
    client.force_login(editor)
    assert client.get("/overenskommelser/sektion/1/ta-bort/").status_code == 404
