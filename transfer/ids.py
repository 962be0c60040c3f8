"""How the document names objects without database ids, so that it reads the same whichever database it came from.

Organisations are named by name and users by username; inside the agreement, sections, focus areas, goals,
activities and commitments by their keys, signatories, forums and action plans by their place in their list,
indicators by their goal's key, reports by year and their lines by year and the key of what they follow up. A
history record names its object the same way, or as {"deleted": n} when the object no longer exists. Files are
named by their name in the agreement's own folder.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from focusareas.models import ActivityRow, FocusArea, Indicator
from followup.models import ActivityOutcome, FocusAreaSummary, IndicatorValue


def _evidence_folder(agreement_id: int) -> str:
    """Where an agreement's evidence files are stored (see followup.models.evidence_path)."""
    return f"evidence/{agreement_id}/"


def _ref_key(ref: Any) -> Any:
    """A reference from the document as a dictionary key: lists become tuples, {"deleted": n} a tagged tuple."""
    if isinstance(ref, list):
        return tuple(_ref_key(part) for part in ref)
    if isinstance(ref, dict):
        return ("deleted", int(ref["deleted"]))
    return ref


# A report's lines other than commitment outcomes, each named by the report's year and the key of what it follows
# up: where the document lists them, their model, the field naming what they follow up and that field's model.
REPORT_LINES: tuple[tuple[str, type[models.Model], str, type[models.Model]], ...] = (
    ("activity_outcomes", ActivityOutcome, "row", ActivityRow),
    ("indicator_values", IndicatorValue, "indicator", Indicator),
    ("focus_area_summaries", FocusAreaSummary, "focus_area", FocusArea),
)
