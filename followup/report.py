"""The annual follow-up as the report shows it: per focus area the activities, commitments and indicators of
the year next to the year before, loaded in a fixed number of queries."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from agreements.models import Organisation
from focusareas.models import ActivityRow, Commitment, FocusArea, Goal, Indicator
from samverkan.lib.charts import ChartText, format_number, line_chart, progress_bar
from samverkan.lib.queries import rows_once

from .models import (
    ActivityOutcome,
    CommitmentOutcome,
    FocusAreaSummary,
    FollowUpReport,
    IndicatorValue,
    PartyComment,
    Status,
)
from .parts import ReportPart, report_parts
from .revisions import revision_chain, same_items
from .verdicts import TargetProgress, TargetVerdict, Trend, indicator_trend, target_progress


@dataclass
class CommitmentLine:
    commitment: Commitment
    outcome: CommitmentOutcome | None
    comments: list[PartyComment]
    progress: TargetProgress | None
    previous_status: str | None
    previous_achieved: int | None = None

    @property
    def progress_bar(self) -> str:
        if self.progress is None:
            return ""
        return progress_bar(fraction=self.progress.fraction, label=self.progress.verdict_label)


@dataclass
class ActivityLine:
    row: ActivityRow
    outcome: ActivityOutcome | None
    previous_status: str | None


@dataclass
class IndicatorLine:
    goal: Goal
    indicator: Indicator
    series: list[tuple[int, Decimal]]
    value: IndicatorValue | None
    trend: str
    chart: str
    previous_value: Decimal | None = None  # the last value before this year's: reported, or the baseline

    @property
    def trend_label(self) -> str:
        return Trend(self.trend).label


@dataclass
class FocusAreaReport:
    focus_area: FocusArea | None  # None: commitments of an action plan outside every focus area
    summary: FocusAreaSummary | None
    activities: list[ActivityLine] = field(default_factory=list)
    commitments: list[CommitmentLine] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)


@dataclass
class AnnualReport:
    report: FollowUpReport
    parties: list[Organisation]
    focus_areas: list[FocusAreaReport]
    status_counts: list[tuple[str, str, int]]  # (status, label, count) over activities and commitments
    target_counts: list[tuple[str, str, int]]  # (verdict, label, count) over commitments with a target
    trend_counts: list[tuple[str, str, int]]
    parts: list[ReportPart] = field(default_factory=list)  # what other apps add (`parts.py`)


def indicator_chart(indicator: Indicator, goal: Goal, series: list[tuple[int, Decimal]]) -> str:
    unit = indicator.unit
    points = [(year, float(value)) for year, value in series]
    baseline = (
        (indicator.baseline_year, float(indicator.baseline_value)) if indicator.baseline_value is not None else None
    )
    described = [f"{format_number(v)} ({y})" for y, v in ([baseline] if baseline else []) + points]
    description = _("%(values)s. Direction wanted: %(direction)s.") % {
        "values": ", ".join(described) or _("No values yet"),
        "direction": indicator.get_direction_display().lower(),
    }
    text = ChartText(
        title=indicator.name, description=description, unit=unit, baseline=_("Baseline"), target=_("Target value")
    )
    target = float(indicator.target_value) if indicator.target_value is not None else None
    return line_chart(values=points, text=text, baseline=baseline, target=target)


def build_annual_report(report: FollowUpReport) -> AnnualReport:
    agreement = report.agreement
    parties = [link.organisation for link in agreement.party_links.select_related("organisation")]
    # The years (or periods) before, under this revision or an earlier one, their items read as this revision's;
    # each follow-up is known by its (year, period), which sorts them in time.
    chain = revision_chain(agreement)
    rows, commitments, indicators = (same_items(agreement, chain, m) for m in (ActivityRow, Commitment, Indicator))
    this = (report.year, report.period)
    year_of = {
        r.pk: (r.year, r.period)
        for r in FollowUpReport.objects.filter(
            Q(year__lt=report.year) | Q(year=report.year, period__lte=report.period), agreement_id__in=chain
        )
    }
    last_year = max((key for key in year_of.values() if key < this), default=None)

    # Every year's lines up to this report's, keyed by (item, year): this year's, last year's and the sums.
    commitment_outcomes = {
        (commitments.get(o.commitment_id), year_of[o.report_id]): o
        for o in CommitmentOutcome.objects.filter(report_id__in=year_of).prefetch_related(
            Prefetch("party_comments", queryset=PartyComment.objects.select_related("party", "reported_by"))
        )
    }
    activity_outcomes = {
        (rows.get(o.row_id), year_of[o.report_id]): o for o in ActivityOutcome.objects.filter(report_id__in=year_of)
    }
    values = {
        (indicators.get(v.indicator_id), year_of[v.report_id]): v
        for v in IndicatorValue.objects.filter(report_id__in=year_of)
    }
    summaries = {s.focus_area_id: s for s in FocusAreaSummary.objects.filter(report=report)}

    def status_in(outcomes: dict, item_pk: int, year: int | None) -> str | None:
        outcome = outcomes.get((item_pk, year))
        return outcome.status if outcome else None

    focus_areas = {fa.pk: FocusAreaReport(fa, summaries.get(fa.pk)) for fa in agreement.focus_areas.all()}
    others = FocusAreaReport(None, None)
    for row in ActivityRow.objects.filter(focus_area__agreement=agreement):
        focus_areas[row.focus_area_id].activities.append(
            ActivityLine(row, activity_outcomes.get((row.pk, this)), status_in(activity_outcomes, row.pk, last_year))
        )
    commitments = Commitment.objects.filter(agreement=agreement).prefetch_related(
        Prefetch("parties", queryset=Organisation.objects.parties_of(agreement.pk).only("pk", "name"))
    )
    earlier_years = sorted(key for key in year_of.values() if key < this)
    this_year = [key for key in earlier_years if key[0] == report.year]  # the earlier periods of a year in parts
    for commitment in commitments:
        outcome = commitment_outcomes.get((commitment.pk, this))
        earlier = [o.achieved for key in earlier_years if (o := commitment_outcomes.get((commitment.pk, key)))]
        achieved = outcome.achieved if outcome else None
        if this_year and commitment.target_scope != Commitment.TargetScope.PERIOD:
            # A yearly target is met by the year's periods together, so far.
            so_far = [o.achieved for key in this_year if (o := commitment_outcomes.get((commitment.pk, key)))]
            reported = [n for n in [*so_far, achieved] if n is not None]
            achieved = sum(reported) if reported else None
        line = CommitmentLine(
            commitment,
            outcome,
            list(outcome.party_comments.all()) if outcome else [],
            target_progress(commitment, achieved, earlier),
            status_in(commitment_outcomes, commitment.pk, last_year),
            next((n for n in reversed(earlier) if n is not None), None),
        )
        focus_areas.get(commitment.focus_area_id, others).commitments.append(line)
    for goal in Goal.objects.filter(agreement=agreement, indicator__isnull=False).select_related("indicator"):
        indicator = goal.indicator
        measured = sorted(
            (key, v.value)
            for key in year_of.values()
            if (v := values.get((indicator.pk, key))) is not None and v.value is not None
        )
        series = yearly_series(measured)
        line = IndicatorLine(
            goal,
            indicator,
            series,
            values.get((indicator.pk, this)),
            indicator_trend(indicator, series),
            indicator_chart(indicator, goal, series),
            next((value for key, value in reversed(measured) if key < this), indicator.baseline_value),
        )
        focus_areas.get(goal.focus_area_id, others).indicators.append(line)

    sections = [*focus_areas.values(), *([others] if others.commitments or others.indicators else [])]
    statuses = Counter(
        line.outcome.status
        for section in sections
        for line in [*section.activities, *section.commitments]
        if line.outcome is not None
    )
    verdicts = Counter(line.progress.verdict for s in sections for line in s.commitments if line.progress)
    trends = Counter(line.trend for s in sections for line in s.indicators)
    return AnnualReport(
        report=report,
        parties=parties,
        focus_areas=sections,
        status_counts=[(value, label, statuses[value]) for value, label in Status.choices],
        target_counts=[(value, label, verdicts[value]) for value, label in TargetVerdict.choices],
        trend_counts=[(value, label, trends[value]) for value, label in Trend.choices],
        parts=report_parts(report),
    )


def yearly_series(measured: list[tuple[tuple[int, int], Decimal]]) -> list[tuple[int, Decimal]]:
    """An indicator's values by (year, period), in time order, as one value a year: the latest measured in it."""
    return list({year: value for (year, _period), value in measured}.items())


def approved_report_key(report: FollowUpReport) -> str | None:
    """The key of an approved report's cached HTML, or None while anything it shows can still change. An approved
    year's lines and its signed agreement no longer change, and neither do the earlier years it shows once they are
    approved too; only the parties' names can, so they are in the key. Both are read in one query, its SQL written
    once per process: the names, each with whether an earlier year is still open (a signed agreement has parties)."""
    if not report.is_frozen:
        return None
    chain = revision_chain(report.agreement)  # the years it shows may have been reported under earlier revisions

    def names_and_open_years() -> QuerySet:
        still_open = FollowUpReport.objects.filter(
            Q(year__lt=report.year) | Q(year=report.year, period__lte=report.period), agreement_id__in=chain
        ).exclude(stage=FollowUpReport.Stage.APPROVED)
        parties = Organisation.objects.parties_of(report.agreement_id).annotate(open_before=Exists(still_open))
        return parties.values_list("pk", "name", "party_name", "open_before")

    shape = ("approved report key", report.agreement_id, report.year, report.period, tuple(chain))
    rows = rows_once(shape, names_and_open_years)
    if not rows or rows[0][3]:
        return None
    names = [(pk, name, party_name) for pk, name, party_name, _open_before in rows]
    return hashlib.sha256(repr((report.pk, report.year, report.period, names)).encode()).hexdigest()
