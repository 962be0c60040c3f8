"""Helpers shared by the tests of focus areas and of the apps above them."""

from __future__ import annotations

from django.urls import reverse

from focusareas.kinds import ITEM_KINDS
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, FocusAreaSection, Goal
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    FocusAreaSectionFactory,
    GoalFactory,
)


def focus_area_urls(world) -> list[tuple[str, str, bool]]:
    """(url, method, is a write) for every page of the focus areas app on the agreement of `world`."""
    agreement = world.agreement
    focus_area = FocusAreaFactory(agreement=agreement)
    section = FocusAreaSectionFactory(focus_area=focus_area)
    row = ActivityRowFactory(focus_area=focus_area)
    commitment = CommitmentFactory(focus_area=focus_area)
    goal = GoalFactory(focus_area=focus_area)
    plan = ActionPlanFactory(agreement=agreement)
    pages = [
        (reverse("documents:workbench", args=[agreement.pk]), "get", False),
        (reverse("focusareas:review", args=[agreement.pk]), "get", False),
        (reverse("focusareas:add", args=[agreement.pk]), "get", True),
        (reverse("focusareas:add", args=[agreement.pk]), "post", True),
        (reverse("focusareas:edit", args=[focus_area.pk]), "post", True),
        (reverse("focusareas:section_add", args=[focus_area.pk]), "post", True),
        (reverse("focusareas:section_edit", args=[section.pk]), "get", True),
        (reverse("focusareas:row_add", args=[focus_area.pk]), "post", True),
        (reverse("focusareas:row_edit", args=[row.pk]), "get", True),
        (reverse("focusareas:rows_paste", args=[focus_area.pk]), "post", True),
        (reverse("focusareas:commitment_add", args=[agreement.pk]) + f"?focus_area={focus_area.pk}", "post", True),
        (reverse("focusareas:commitment_edit", args=[commitment.pk]), "post", True),
        (reverse("focusareas:commitments_paste", args=["fokusomrade", focus_area.pk]), "get", True),
        (reverse("focusareas:commitments_paste", args=["handlingsplan", plan.pk]), "post", True),
        (reverse("focusareas:goal_add", args=[agreement.pk]), "post", True),
        (reverse("focusareas:goal_edit", args=[goal.pk]), "get", True),
        (reverse("focusareas:action_plan_add", args=[agreement.pk]), "post", True),
        (reverse("focusareas:action_plan_edit", args=[plan.pk]), "get", True),
        (reverse("focusareas:send_for_review", args=[agreement.pk]), "post", True),
    ]
    items = {
        FocusArea: focus_area,
        FocusAreaSection: section,
        ActivityRow: row,
        Commitment: commitment,
        Goal: goal,
        ActionPlan: plan,
    }
    for kind in ITEM_KINDS:
        item = items[ITEM_KINDS[kind].model]
        pages.append((reverse("focusareas:item_delete", args=[kind, item.pk]), "get", True))
        pages.append((reverse("focusareas:item_move", args=[kind, item.pk, "up"]), "post", True))
    return pages
