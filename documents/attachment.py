"""The agreement as plain data: what the archived PDF carries as its JSON attachment."""

from __future__ import annotations

from typing import Any

from focusareas.models import ActivityRow, Commitment, Goal

from .document import CommitmentGroup, Document, OutlineItem


def _goal(goal: Goal) -> dict[str, Any]:
    indicator = getattr(goal, "indicator", None)
    return {
        "kind": goal.kind,
        "text": goal.text,
        "indicator": None
        if indicator is None
        else {
            "name": indicator.name,
            "source": indicator.source,
            "unit": indicator.unit,
            "direction": indicator.direction,
            "baseline_year": indicator.baseline_year,
            "baseline_value": None if indicator.baseline_value is None else str(indicator.baseline_value),
            "target_value": None if indicator.target_value is None else str(indicator.target_value),
        },
    }


def _commitment(commitment: Commitment) -> dict[str, Any]:
    return {
        "parties": [party.name for party in commitment.parties.all()],
        "text": commitment.text,
        "target_group": commitment.target_group,
        "responsible_role": commitment.responsible_role,
        "target_value": commitment.target_value,
        "target_unit": commitment.target_unit,
        "target_scope": commitment.target_scope,
        "target_text": commitment.target_text,
        "timing": commitment.timing,
        "milestones": commitment.milestone_lines,
        "place": commitment.place,
        "third_parties": commitment.third_parties,
        "review_status": commitment.review_status,
    }


def _activities(rows: list[ActivityRow]) -> list[dict[str, Any]]:
    return [
        {"activity": r.activity, "measure": r.measure, "follow_up": r.follow_up, "goal_effect": r.goal_effect}
        for r in rows
    ]


def _commitments(groups: list[CommitmentGroup]) -> list[dict[str, Any]]:
    return [_commitment(c) for g in groups for c in g.commitments]


def _outline_entry(e: OutlineItem) -> dict[str, Any]:
    """A heading of a part (or a citizen promise's purpose heading) with what stands under it."""
    return {
        "kind": e.kind,
        "number": e.number,
        "heading": e.heading,
        **({"body": e.section.body, "commitments": _commitments(e.commitment_groups)} if e.section else {}),
        **(
            {
                "description": e.focus_area.focus_area.description,
                "prioritised": e.focus_area.focus_area.prioritised,
                # Each section with what stands in it; the activities and commitments below stand in none.
                "sections": [
                    {
                        "number": part.number,
                        "heading": part.heading,
                        "body": part.section.body,
                        "activities": _activities(part.rows),
                        "commitments": _commitments(part.commitment_groups),
                    }
                    for part in e.focus_area.sections
                ],
                "activities": _activities(e.focus_area.rows),
                "commitments": _commitments(e.focus_area.commitment_groups),
                "goals": [_goal(g) for g in e.focus_area.goals],
            }
            if e.focus_area
            else {}
        ),
    }


def agreement_data(document: Document) -> dict[str, Any]:
    agreement = document.agreement
    return {
        "title": agreement.title,
        "status": agreement.status,
        "revision": agreement.revision,
        "parties": [{"name": party.name, "kind": party.kind, "called": party.party_name} for party in document.parties],
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat() if agreement.end_date else None,
        "revision_interval_years": agreement.revision_interval_years,
        "first_follow_up_year": agreement.follow_up_from,
        "follow_ups_a_year": agreement.follow_up_frequency,
        "followed_up_by": agreement.followed_up_by,
        "purpose": agreement.purpose,
        "overall_goals": agreement.overall_goal_list,
        "goals": [_goal(g) for g in document.goals],
        # Every focus area, also those only named, which have no place of their own in the appendix below.
        "focus_areas": [view.focus_area.title for view in document.focus_areas],
        "standing_commitments": agreement.standing_commitments,
        "follow_up": agreement.follow_up,
        "copies": agreement.copies,
        "signing_place": agreement.signing_place,
        "signing_date": agreement.signing_date.isoformat() if agreement.signing_date else None,
        "signatories": [
            {
                "name": s.name,
                "title": s.title,
                "party": s.party.name,
                "signed_on": s.signed_on.isoformat() if s.signed_on else None,
            }
            for s in document.signatories
        ],
        "forums": [
            {"name": f.name, "meets": f.meeting_frequency, "convener": f.convener, "participants": f.participants}
            for f in document.forums
        ],
        "agreement_sections": [_outline_entry(e) for e in document.agreement_sections],
        "appendix": [_outline_entry(e) for e in document.appendix],
        # A citizen promise's promises, under their purpose headings in the main part.
        "promises": [_outline_entry(e) for e in document.promises],
        "action_plans": [
            {
                "title": plan.action_plan.title,
                "year": plan.action_plan.year,
                "commitments": [
                    {"focus_area": fa.title if fa else None, **_commitment(c)}
                    for fa, groups in plan.by_focus_area
                    for g in groups
                    for c in g.commitments
                ],
            }
            for plan in document.action_plans
        ],
    }
