"""The annual follow-up report as a PDF for the council, and the evaluation of the period, in the same archival
form as the agreement."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from agreements.models import Agreement
from samverkan.lib.pdf import AttachedFile, pdf_roots, render_pdf

from .models import Evaluation, FollowUpReport
from .overview import Overview, build_overview, evaluation_of
from .report import AnnualReport, build_annual_report

EVALUATION_ATTACHMENT = "utvardering.json"


def report_data(annual: AnnualReport) -> dict:
    """The year's outcomes as plain data, attached to the archived PDF."""
    report = annual.report
    return {
        "agreement": report.agreement.title,
        "year": report.year,
        "period": report.period_label,
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
                        "target_text": c.commitment.target_text,
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
    data = report_data(annual)
    attachment = AttachedFile.json(f"uppfoljning-{report.period_in_names}.json", data, "The follow-up as data (JSON)")
    return render_pdf(html, roots=pdf_roots(), attachments=(attachment,))


def evaluation_data(overview: Overview, evaluation: Evaluation | None) -> dict:
    """The evaluation of the period as plain data, attached to its PDF."""
    agreement = overview.agreement
    names = [report.period_in_names for report in overview.reports]  # "2026", or "2026-kvartal-2"
    return {
        "agreement": agreement.title,
        "period": str(agreement.period_label),
        "years": {report.period_in_names: report.stage for report in overview.reports},
        "evaluation": evaluation.text if evaluation else "",
        "conclusions": evaluation.conclusions if evaluation else "",
        "focus_areas": [
            {
                "title": group.focus_area.title if group.focus_area else None,
                "items": [
                    {
                        "kind": "activity" if line.is_activity else "commitment",
                        "text": line.text,
                        "parties": [party.name for party in line.parties],
                        "responsible_role": line.commitment.responsible_role if line.commitment else None,
                        "statuses": dict(zip(names, (cell.status for cell in line.cells), strict=True)),
                        "achieved": dict(zip(names, (cell.achieved for cell in line.cells), strict=True))
                        if line.progress
                        else None,
                        "target": line.commitment.target_value if line.commitment else None,
                        "target_scope": line.commitment.target_scope if line.progress else None,
                        "target_verdict": line.progress.verdict if line.progress else None,
                    }
                    for line in group.lines
                ],
            }
            for group in overview.groups
        ],
        "indicators": [
            {
                "name": line.indicator.name,
                "unit": line.indicator.unit,
                "direction": line.indicator.direction,
                "baseline": (
                    {"year": line.indicator.baseline_year, "value": str(line.indicator.baseline_value)}
                    if line.indicator.baseline_value is not None
                    else None
                ),
                "target": str(line.indicator.target_value) if line.indicator.target_value is not None else None,
                "values": {str(year): str(value) for year, value in line.series},
                "trend": line.trend,
            }
            for line in overview.indicators
        ],
    }


def evaluation_pdf_content(agreement: Agreement) -> bytes:
    """The evaluation report as an archival PDF with its data attached, in the language of the agreement."""
    with translation.override(settings.LANGUAGE_CODE):
        # Built inside the override too: the charts' words are chosen when they are drawn.
        overview = build_overview(agreement)
        evaluation = evaluation_of(agreement)
        html = render_to_string(
            "followup/pdf/evaluation.html", {"agreement": agreement, "overview": overview, "evaluation": evaluation}
        )
        data = evaluation_data(overview, evaluation)
    attachment = AttachedFile.json(EVALUATION_ATTACHMENT, data, "The evaluation of the period as data (JSON)")
    return render_pdf(html, roots=pdf_roots(), attachments=(attachment,))
