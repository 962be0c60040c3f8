"""The dashboard over the years and the evaluation after the period: every activity and commitment with its status
in each year's follow-up, what is overdue, targets over the period and the indicators' trends."""

from __future__ import annotations

import functools
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement, Organisation, party_names
from focusareas.models import ActivityRow, Commitment, FocusArea, Goal, Indicator
from samverkan.lib.charts import progress_bar
from samverkan.lib.queries import ANY_AGREEMENT, Prepared, any_revision
from samverkan.lib.versions import history_of, latest_id

from .models import ActivityOutcome, CommitmentOutcome, Evaluation, FollowUpReport, IndicatorValue, Status

# The annual report's chart, so that an indicator looks the same in every report.
from .report import indicator_chart, yearly_series
from .revisions import revision_chain, same_items
from .verdicts import TargetVerdict, Trend, indicator_trend, target_progress

FINISHED = (Status.DONE, Status.DROPPED)


@dataclass(frozen=True)
class YearCell:
    """An item in one year's (or period's) follow-up; no status when that report has no line for it."""

    year: int
    status: str | None = None
    achieved: int | None = None
    period: int = 0


@dataclass(frozen=True)
class PeriodProgress:
    """How a commitment did against its "at least N" target over all the years followed up."""

    target: int
    for_the_period: bool
    counted: int | None  # the years added up, for a whole-period target
    years_met: int  # the years that reached a yearly target
    years_reported: int
    fraction: float
    verdict: str

    @property
    def verdict_label(self) -> str:
        return TargetVerdict(self.verdict).label

    @property
    def bar(self) -> str:
        return progress_bar(fraction=self.fraction, label=self.verdict_label)


def period_progress(commitment: Commitment, achieved: list[int | None]) -> PeriodProgress | None:
    """A whole-period target against the sum of the years; a yearly target by how many years reached it."""
    if commitment.target_value is None:
        return None
    reported = [n for n in achieved if n is not None]
    if commitment.target_scope == Commitment.TargetScope.PERIOD:
        total = target_progress(commitment, None, achieved)
        return PeriodProgress(total.target, True, total.counted, 0, len(reported), total.fraction, total.verdict)
    yearly = [target_progress(commitment, n, []) for n in reported]
    met = sum(1 for progress in yearly if progress.verdict == TargetVerdict.MET)
    if not yearly:
        verdict = TargetVerdict.NOT_REPORTED
    elif met == len(yearly):
        verdict = TargetVerdict.MET
    elif all(progress.verdict == TargetVerdict.NOT_MET for progress in yearly):
        verdict = TargetVerdict.NOT_MET
    else:
        verdict = TargetVerdict.PARTLY_MET
    fraction = met / len(yearly) if yearly else 0.0
    return PeriodProgress(commitment.target_value, False, None, met, len(yearly), fraction, verdict)


@dataclass
class ItemLine:
    """An activity or a commitment with its status in every follow-up year."""

    focus_area: FocusArea | None
    row: ActivityRow | None
    commitment: Commitment | None
    cells: list[YearCell]
    progress: PeriodProgress | None = None

    @property
    def text(self) -> str:
        return self.row.activity if self.row is not None else self.commitment.text

    @property
    def is_activity(self) -> bool:
        return self.row is not None

    @property
    def kind_label(self) -> str:
        return _("Activity") if self.is_activity else _("Commitment")

    @property
    def parties(self) -> list[Organisation]:
        return list(self.commitment.parties.all()) if self.commitment is not None else []

    @property
    def latest(self) -> YearCell | None:
        """The last year with a status: where the item stands now."""
        return next((cell for cell in reversed(self.cells) if cell.status), None)

    def cell(self, year: int, period: int = 0) -> YearCell | None:
        return next((cell for cell in self.cells if (cell.year, cell.period) == (year, period)), None)


@dataclass
class ItemGroup:
    """A focus area's activities and commitments, or the commitments outside every focus area."""

    focus_area: FocusArea | None
    lines: list[ItemLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.focus_area.title if self.focus_area is not None else _("Other commitments")

    @property
    def anchor(self) -> str:
        return f"focus-area-{self.focus_area.pk}" if self.focus_area is not None else "other-commitments"


@dataclass(frozen=True)
class Overdue:
    """An item neither done nor dropped when a year that is over was followed up, and whose due date is past: the
    year's end, or for a target over the whole period the period's end."""

    line: ItemLine
    year: int
    status: str


@dataclass
class IndicatorOverPeriod:
    """An indicator's values over every year followed up, against its baseline and the direction wanted."""

    goal: Goal
    focus_area: FocusArea | None
    indicator: Indicator
    series: list[tuple[int, Decimal]]
    trend: str
    chart: str

    @property
    def trend_label(self) -> str:
        return Trend(self.trend).label

    @property
    def latest(self) -> tuple[int, Decimal] | None:
        return self.series[-1] if self.series else None


@dataclass
class Overview:
    """All years of an agreement's follow-up side by side."""

    agreement: Agreement
    parties: list[Organisation]
    reports: list[FollowUpReport]
    groups: list[ItemGroup]
    overdue_year: int | None  # the latest year that is over with a follow-up
    overdue_label: str  # its latest follow-up, in words ("2025", "kvartal 4 2025")
    overdue: list[Overdue]
    preliminary_years: set[int]  # the years whose follow-up is not approved yet: their values may change
    without_role: list[ItemLine]
    indicators: list[IndicatorOverPeriod]
    status_counts: list[tuple[str, str, int]]  # (status, label, count) of where every item stands now

    @property
    def years(self) -> list[int]:
        return [report.year for report in self.reports]

    @property
    def lines(self) -> list[ItemLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def commitments(self) -> list[ItemLine]:
        return [line for line in self.lines if line.commitment is not None]


def build_overview(agreement: Agreement) -> Overview:
    """Everything the dashboard and the evaluation show, in a fixed number of queries however big the agreement."""
    parties = [link.organisation for link in agreement.party_links.select_related("organisation")]
    # Every year followed up under this revision or an earlier one, its items read as this revision's.
    chain = revision_chain(agreement)
    rows, commitments, indicators = (same_items(agreement, chain, m) for m in (ActivityRow, Commitment, Indicator))
    reports = list(
        FollowUpReport.objects.filter(agreement_id__in=chain).select_related("agreement").order_by("year", "period")
    )
    # Each follow-up by its (year, period), which sorts them in time: the years, or their halves or quarters.
    year_of = {report.pk: (report.year, report.period) for report in reports}
    years = list(year_of.values())
    focus_areas = list(agreement.focus_areas.all())
    focus_area_of = {focus_area.pk: focus_area for focus_area in focus_areas}

    # Plain tuples: the outcomes' own objects are not needed, only where each item stood in each year.
    activity_status = {
        (rows.get(row_id), year_of[report_id]): status
        for report_id, row_id, status in ActivityOutcome.objects.filter(report_id__in=year_of).values_list(
            "report_id", "row_id", "status"
        )
    }
    commitment_outcome = {
        (commitments.get(commitment_id), year_of[report_id]): (status, achieved)
        for report_id, commitment_id, status, achieved in CommitmentOutcome.objects.filter(
            report_id__in=year_of
        ).values_list("report_id", "commitment_id", "status", "achieved")
    }

    groups = {focus_area.pk: ItemGroup(focus_area) for focus_area in focus_areas}
    others = ItemGroup(None)
    for row in ActivityRow.objects.filter(focus_area__agreement=agreement):
        cells = [YearCell(year, activity_status.get((row.pk, (year, period))), None, period) for year, period in years]
        groups[row.focus_area_id].lines.append(ItemLine(focus_area_of[row.focus_area_id], row, None, cells))
    commitments = Commitment.objects.filter(agreement=agreement).prefetch_related(
        Prefetch("parties", queryset=Organisation.objects.parties_of(agreement.pk).only("pk", "name", "kind"))
    )
    for commitment in commitments:
        cells = [
            YearCell(year, *commitment_outcome.get((commitment.pk, (year, period)), (None, None)), period)
            for year, period in years
        ]
        line = ItemLine(
            focus_area_of.get(commitment.focus_area_id),
            None,
            commitment,
            cells,
            period_progress(commitment, yearly_sums(cells)),
        )
        groups.get(commitment.focus_area_id, others).lines.append(line)
    sections = [group for group in [*groups.values(), others] if group.lines]
    lines = [line for group in sections for line in group.lines]

    # A year that is over should have ended with everything due in it done, or dropped on purpose; what is due at
    # the end of the period is late only once the period is over.
    # A year followed up in parts stands where its last part left it.
    today = timezone.localdate()
    overdue_key = max((key for key in years if key[0] < today.year), default=None)
    overdue_year = overdue_key[0] if overdue_key else None
    period_over = agreement.end_date is not None and agreement.end_date < today
    overdue = []
    if overdue_key is not None:
        for line in lines:
            cell = line.cell(*overdue_key)
            due_later = line.progress is not None and line.progress.for_the_period and not period_over
            if cell is not None and cell.status and cell.status not in FINISHED and not due_later:
                overdue.append(Overdue(line, overdue_year, cell.status))

    series_of: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for indicator_id, report_id, value in IndicatorValue.objects.filter(
        report_id__in=year_of, value__isnull=False
    ).values_list("indicator_id", "report_id", "value"):
        series_of[indicators.get(indicator_id)].append((year_of[report_id], value))
    series_of = defaultdict(list, {pk: yearly_series(sorted(measured)) for pk, measured in series_of.items()})
    position = {pk: index for index, pk in enumerate(focus_area_of)}
    goals = sorted(
        Goal.objects.filter(agreement=agreement, indicator__isnull=False).select_related("indicator"),
        key=lambda goal: position.get(goal.focus_area_id, len(position)),  # stable: the goals' own order within
    )
    indicators = []
    for goal in goals:
        series = sorted(series_of[goal.indicator.pk])
        indicators.append(
            IndicatorOverPeriod(
                goal,
                focus_area_of.get(goal.focus_area_id),
                goal.indicator,
                series,
                indicator_trend(goal.indicator, series),
                indicator_chart(goal.indicator, goal, series),
            )
        )

    now = Counter(line.latest.status for line in lines if line.latest is not None)
    return Overview(
        agreement=agreement,
        parties=parties,
        reports=reports,
        groups=sections,
        overdue_year=overdue_year,
        overdue_label=next((r.period_label for r in reports if (r.year, r.period) == overdue_key), ""),
        overdue=overdue,
        preliminary_years={report.year for report in reports if not report.is_frozen},
        without_role=[
            line for line in lines if line.commitment is not None and not line.commitment.responsible_role.strip()
        ],
        indicators=indicators,
        status_counts=[(value, label, now[value]) for value, label in Status.choices],
    )


def yearly_sums(cells: list[YearCell]) -> list[int | None]:
    """The numbers achieved in each year, its halves or quarters added up; None for a year none was reported in."""
    sums: dict[int, int | None] = {}
    for cell in cells:
        if cell.achieved is not None:
            sums[cell.year] = (sums.get(cell.year) or 0) + cell.achieved
        else:
            sums.setdefault(cell.year, None)
    return list(sums.values())


def overview_key(agreement: Agreement) -> str | None:
    """The key of the dashboard's and the evaluation's cached HTML (for readers the agreement's access rules have
    let in), or None while the agreement's items can still change, before it is signed. Once it is signed only its
    follow-up and its parties' names can change (and the agreement itself, by an administrator): every write to the
    agreement, a year's report, its lines and indicator values and the evaluation leaves a history record, so the
    latest record of each is in the key (found in one query), with the names and today's date (what is overdue
    depends on it)."""
    if not agreement.is_frozen:
        return None
    chain = revision_chain(agreement)
    revisions = {any_revision(n): pk for n, pk in enumerate(chain)}
    with connection.cursor() as cursor:
        cursor.execute(*_latest_records(len(chain)).with_values({ANY_AGREEMENT: agreement.pk} | revisions))
        latest_records = cursor.fetchone()
    names = party_names(agreement.pk)
    shown = (agreement.pk, chain, latest_records, names, timezone.localdate())
    return hashlib.sha256(repr(shown).encode()).hexdigest()


@functools.cache
def _latest_records(revisions: int) -> Prepared:
    """The query of overview_key for an agreement of that many revisions, written once: its subqueries took longer to
    build than to run."""
    chain = [any_revision(n) for n in range(revisions)]
    reports = FollowUpReport.objects.filter(agreement_id__in=chain).values("pk")

    def latest(records: QuerySet) -> Subquery:
        return latest_id(records, "history_id")

    records = {
        "latest_agreement": latest(history_of(Agreement).filter(id__in=chain)),
        "latest_report": latest(history_of(FollowUpReport).filter(agreement_id__in=chain)),
        **{
            f"latest_{model._meta.model_name}": latest(history_of(model).filter(report_id__in=reports))
            for model in (ActivityOutcome, CommitmentOutcome, IndicatorValue)
        },
        "latest_evaluation": latest(history_of(Evaluation).filter(agreement_id=ANY_AGREEMENT)),
    }
    latest_records = Agreement.objects.filter(pk=ANY_AGREEMENT).annotate(**records).values_list(*records)
    return Prepared.of(f"samverkan_overview_key_{revisions}", latest_records)


def evaluation_of(agreement: Agreement) -> Evaluation | None:
    """The parties' evaluation, if anyone has written it yet."""
    return Evaluation.objects.filter(agreement=agreement).first()
