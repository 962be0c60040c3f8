"""The annual follow-up report as a PDF for the council, in the same archival form as the agreement."""

from __future__ import annotations

import json

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from samverkan.lib.pdf import AttachedFile, pdf_roots, render_pdf

from .models import FollowUpReport
from .report import AnnualReport, build_annual_report


def report_data(annual: AnnualReport) -> dict:
    """The year's outcomes as plain data, attached to the archived PDF."""
    report = annual.report
    return {
        "agreement": report.agreement.title,
        "year": report.year,
        "stage": report.stage,
        "approved_on": report.approved_on.isoformat() if report.approved_on else None,
        "case_number": report.case_number,
        "summary": report.summary,
        "conclusions": report.conclusions,
        "focus_areas": [
            {
                "title": section.focus_area.title if section.focus_area else None,
                "activities": [
                    {"activity": a.row.activity, "status": a.outcome.status if a.outcome else None}
                    for a in section.activities
                ],
                "commitments": [
                    {
                        "text": c.commitment.text,
                        "status": c.outcome.status if c.outcome else None,
                        "achieved": c.outcome.achieved if c.outcome else None,
                        "target": c.commitment.target_value,
                        "comments": {comment.party.name: comment.text for comment in c.comments},
                    }
                    for c in section.commitments
                ],
                "indicators": [
                    {"name": i.indicator.name, "values": {str(y): str(v) for y, v in i.series}, "trend": i.trend}
                    for i in section.indicators
                ],
            }
            for section in annual.focus_areas
        ],
    }


def annual_report_pdf(report: FollowUpReport) -> bytes:
    # Archived documents are in the agreement's language, charts' words included, whatever the user reads in.
    with translation.override(settings.LANGUAGE_CODE):
        annual = build_annual_report(report)
        html = render_to_string(
            "followup/pdf/report.html",
            {"report": report, "agreement": report.agreement, "annual": annual, "draft": not report.is_frozen},
        )
    data = json.dumps(report_data(annual), ensure_ascii=False, indent=2).encode()
    attachment = AttachedFile(f"uppfoljning-{report.year}.json", data, "The year's follow-up as data (JSON)")
    return render_pdf(html, roots=pdf_roots(), attachments=(attachment,))
