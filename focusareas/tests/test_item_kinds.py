"""The workbench's item kinds, declared once in focusareas/kinds.py, drive its move and delete links and URLs."""

import pytest
from django.urls import reverse

from focusareas.kinds import ITEM_KINDS, kind_of
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, FocusAreaSection, Goal
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    FocusAreaSectionFactory,
    GoalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(world) -> dict[type, object]:
    """One item of each kind on the world's agreement."""
    focus_area = FocusAreaFactory(agreement=world.agreement)
    return {
        FocusArea: focus_area,
        FocusAreaSection: FocusAreaSectionFactory(focus_area=focus_area),
        ActivityRow: ActivityRowFactory(focus_area=focus_area),
        Commitment: CommitmentFactory(focus_area=focus_area),
        Goal: GoalFactory(focus_area=focus_area),
        ActionPlan: ActionPlanFactory(agreement=world.agreement),
    }


def test_each_kind_is_edited_with_a_form_of_its_own_model():
    assert {kind.form._meta.model for kind in ITEM_KINDS.values()} == {kind.model for kind in ITEM_KINDS.values()}
    assert all(kind.form._meta.model is kind.model for kind in ITEM_KINDS.values())


def test_the_workbench_moves_and_deletes_each_kind_by_its_name(client, world, editor, items):
    client.force_login(editor)
    page = client.get(reverse("documents:workbench", args=[world.agreement.pk])).content.decode()
    for name, kind in ITEM_KINDS.items():
        item = items[kind.model]
        assert kind_of(item) is kind
        for url in (
            reverse("focusareas:item_move", args=[name, item.pk, "up"]),
            reverse("focusareas:item_move", args=[name, item.pk, "down"]),
            reverse("focusareas:item_delete", args=[name, item.pk]),
        ):
            assert f'"{url}"' in page, url


def test_moving_an_item_leads_back_to_it_on_the_workbench(client, world, editor, items):
    client.force_login(editor)
    workbench = reverse("documents:workbench", args=[world.agreement.pk])
    for name, kind in ITEM_KINDS.items():
        item = items[kind.model]
        response = client.post(reverse("focusareas:item_move", args=[name, item.pk, "down"]))
        assert response.status_code == 302
        assert response["Location"] == f"{workbench}#{kind.anchor}-{item.pk}"
