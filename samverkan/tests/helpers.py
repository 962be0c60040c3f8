"""Helpers more than one app's tests use: the pages each app offers on an agreement and what its forms post.

Test files import these from here, never from one another, so a test file can change without breaking another.
"""

from __future__ import annotations

from django.urls import reverse

from agreements.models import Agreement
from agreements.tests.factories import SectionFactory
from focusareas.tests.factories import (
    ActionPlanFactory,
    ActivityRowFactory,
    CommitmentFactory,
    FocusAreaFactory,
    GoalFactory,
)

# The agreements app's pages on one agreement: (url name, needs a section, method, is a write)
AGREEMENT_PAGES = [
    ("agreement_detail", False, "get", False),
    ("agreement_history", False, "get", False),
    ("agreement_edit", False, "get", True),
    ("agreement_edit", False, "post", True),
    ("section_add", False, "get", True),
    ("section_add", False, "post", True),
    ("section_edit", True, "get", True),
    ("section_edit", True, "post", True),
    ("section_move", True, "post", True),
    ("section_delete", True, "get", True),
    ("section_delete", True, "post", True),
]


def agreement_page_url(name: str, world, with_section: bool) -> str:
    """The url of one of `AGREEMENT_PAGES` on the agreement of `world`, with a section made for it if it needs one."""
    if with_section:
        section = SectionFactory(agreement=world.agreement)
        kwargs = {"pk": section.pk}
        if name == "section_move":
            kwargs["direction"] = "up"
        return reverse(name, kwargs=kwargs)
    if name == "section_add":
        return reverse(name, kwargs={"pk": world.agreement.pk, "part": "appendix"})
    return reverse(name, kwargs={"pk": world.agreement.pk})


def focus_area_urls(world) -> list[tuple[str, str, bool]]:
    """(url, method, is a write) for every page of the focus areas app on the agreement of `world`."""
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
    for kind, item in (("fokusomrade", focus_area), ("aktivitet", row), ("atagande", commitment), ("mal", goal)):
        pages.append((reverse("item_delete", args=[kind, item.pk]), "get", True))
        pages.append((reverse("item_move", args=[kind, item.pk, "up"]), "post", True))
    return pages


def management(prefix: str, total: int, initial: int = 0) -> dict:
    """A formset's management form: `total` forms of which `initial` are existing rows."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def edit_data(agreement: Agreement, **overrides) -> dict:
    """What the agreement's edit page posts back unchanged."""
    parties = list(agreement.party_links.all())
    signatories = list(agreement.signatories.all())
    forums = list(agreement.forums.all())
    data = {
        "loaded_version": str(agreement.version),
        "title": agreement.title,
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat() if agreement.end_date else "",
        "revision_interval_years": agreement.revision_interval_years or "",
        "purpose": agreement.purpose,
        "overall_goals": agreement.overall_goals,
        "copies": str(agreement.copies),
        **management("parties", len(parties), len(parties)),
        **management("signatories", len(signatories), len(signatories)),
        **management("forums", len(forums), len(forums)),
    }
    for i, party in enumerate(parties):
        data[f"parties-{i}-id"] = str(party.pk)
        data[f"parties-{i}-organisation"] = str(party.organisation_id)
    for i, signatory in enumerate(signatories):
        data |= {
            f"signatories-{i}-id": str(signatory.pk),
            f"signatories-{i}-name": signatory.name,
            f"signatories-{i}-title": signatory.title,
            f"signatories-{i}-party": str(signatory.party_id),
            f"signatories-{i}-order": str(signatory.order),
        }
    for i, forum in enumerate(forums):
        data |= {f"forums-{i}-id": str(forum.pk), f"forums-{i}-name": forum.name}
    data.update(overrides)
    return data
