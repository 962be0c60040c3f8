"""What other apps add to the annual report, the follow-up knowing nothing of them: each installed app's
`annual_report.py` has `parts_for(report)` returning its parts, which the report's page and PDF show after the focus
areas (the situation picture's åtgärdsplan, say)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.apps import apps

from .models import FollowUpReport

MODULE = "annual_report"


@dataclass(frozen=True)
class ReportPart:
    template: str  # shared by the page and the PDF, as the report's own body is
    context: dict


def report_parts(report: FollowUpReport) -> list[ReportPart]:
    parts: list[ReportPart] = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.{MODULE}")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.{MODULE}":
                raise
            continue
        parts.extend(module.parts_for(report))
    return parts
