"""The åtgärdsplan in the annual follow-up report to the council: the measures carried into the agreement's
commitments, each with the status its commitment got in the year and its indicator's values read from the
statistics (the year and the year before)."""

from __future__ import annotations

from dataclasses import dataclass

from focusareas.models import Commitment
from followup.models import FollowUpReport
from followup.parts import ReportPart

from .models import IndicatorSeries, Measure
from .plan import MeasureStatus, measure_statuses
from .statistics import yearly_totals

TEMPLATE = "situation/partials/annual_report_plan.html"


@dataclass
class PlanLine:
    measure: Measure
    status: MeasureStatus | None
    series: IndicatorSeries | None
    value: int | None  # the indicator's count in the report's year, from the statistics
    value_before: int | None


def parts_for(report: FollowUpReport) -> list[ReportPart]:
    """One part per yearly picture whose measures were carried into this agreement (or a revision of it: commitments
    keep their key), in a fixed number of queries."""
    measures = list(
        Measure.objects.filter(
            commitments__key__in=Commitment.objects.filter(agreement=report.agreement_id).values("key")
        )
        .distinct()
        .select_related("picture__municipality", "indicator__statistics_series")
        .order_by("-picture__year", "picture__municipality__name", "order", "pk")
    )
    if not measures:
        return []
    statuses = measure_statuses(measures, year=report.year)
    series_of = {m.pk: getattr(m.indicator, "statistics_series", None) if m.indicator else None for m in measures}
    by_municipality: dict = {}
    for measure in measures:
        if series_of[measure.pk] is not None:
            by_municipality.setdefault(measure.picture.municipality, []).append(series_of[measure.pk])
    totals = {}
    for municipality, series in by_municipality.items():
        totals |= {pk: dict(years) for pk, years in yearly_totals(municipality, series).items()}
    plans: dict = {}
    for measure in measures:
        series = series_of[measure.pk]
        years = totals.get(series.pk, {}) if series else {}
        plans.setdefault(measure.picture, []).append(
            PlanLine(measure, statuses.get(measure.pk), series, years.get(report.year), years.get(report.year - 1))
        )
    return [
        ReportPart(TEMPLATE, {"picture": picture, "lines": lines, "year": report.year})
        for picture, lines in plans.items()
    ]
