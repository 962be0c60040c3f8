"""The police's trygghetsmätning: its results read from a file (year, area, problem, index) row by row with a clear
error for each row that cannot be read, and each area's results against the survey before."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from agreements.models import Organisation
from samverkan.lib.charts import ChartText, bar_chart

from .models import ProblemIndex, SafetySurvey
from .statistics import MAX_ROWS, table_header

HEADERS = {
    "year": {"år", "ar", "mätår", "year"},
    "area": {"område", "omrade", "plats", "lokalpolisområde", "area", "place"},
    "problem": {"problem", "fråga", "indikator", "question"},
    "value": {"index", "värde", "varde", "problemindex", "value"},
}
# The two rows of an area that are not problems: its overall problem index, and the share who feel safe (per cent).
OVERALL = {"problemindex", "totalt problemindex", "samlat problemindex", "problemindex totalt"}
SAFE = {"andel trygga", "andel trygga (%)", "trygghet", "upplevd trygghet", "andel som känner sig trygga"}
PROBLEM_SCALE = Decimal(10)


@dataclass
class AreaResult:
    """One area's results of one year, as read from a file."""

    problem_index: Decimal | None = None
    safe_share: Decimal | None = None
    problems: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class SurveyReading:
    results: dict[tuple[int, str], AreaResult] = field(default_factory=dict)  # {(year, area): results}
    errors: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({year for year, _area in self.results})


def _number(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value or "").strip().replace("\u00a0", "").replace(" ", "").removesuffix("%").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def parse_survey(table: list[list]) -> SurveyReading:
    """The rows of the table under its header, each either read or named in an error with its line number."""
    reading = SurveyReading()
    spellings: dict[tuple[int, str], str] = {}
    first, columns = table_header(table, HEADERS)
    if first is None:
        reading.errors.append(_("The file is empty."))
        return reading
    if any(columns[key] is None for key in HEADERS):
        reading.errors.append(
            _("The first row must name the columns: year (År), area (Område), problem (Problem) and index (Index).")
        )
        return reading
    if len(table) > MAX_ROWS + first:
        reading.errors.append(_("The file has more than %(max)s rows; split it up.") % {"max": MAX_ROWS})
        return reading
    for number, cells in enumerate(table[first + 1 :], start=first + 2):
        if not any(str(cell or "").strip() for cell in cells):
            continue
        value = {key: cells[i] if i < len(cells) else None for key, i in columns.items()}
        problems = []
        year = str(value["year"] or "").strip().removesuffix(".0")
        if not (year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100):
            problems.append(_("the year “%(value)s” is not a year such as 2025") % {"value": value["year"] or ""})
        area = str(value["area"] or "").strip()[:200]
        if not area:
            problems.append(_("the area is missing"))
        problem = str(value["problem"] or "").strip()[:200]
        kind = "overall" if problem.casefold() in OVERALL else "safe" if problem.casefold() in SAFE else "problem"
        if not problem:
            problems.append(_("the problem is missing"))
        try:
            index = _number(value["value"])
            if kind == "safe" and not 0 <= index <= 100:
                raise ValueError
            if kind != "safe" and not 0 <= index <= PROBLEM_SCALE:
                raise ValueError
        except ValueError:
            message = (
                _("the share “%(value)s” is not a number from 0 to 100")
                if kind == "safe"
                else _("the index “%(value)s” is not a number from 0 to 10")
            )
            problems.append(message % {"value": "" if value["value"] is None else value["value"]})
        if not problems:
            # An area is one however its name is cased or spaced: the first spelling is kept.
            area = spellings.setdefault((int(year), area_key(area)), area)
            result = reading.results.setdefault((int(year), area), AreaResult())
            taken = {
                "overall": result.problem_index is not None,
                "safe": result.safe_share is not None,
                "problem": problem.casefold() in {name.casefold() for name in result.problems},
            }[kind]
            if taken:
                problems.append(
                    _("%(problem)s of %(area)s %(year)s is given twice")
                    % {"problem": problem, "area": area, "year": year}
                )
            elif kind == "overall":
                result.problem_index = index.quantize(Decimal("0.01"))
            elif kind == "safe":
                result.safe_share = index.quantize(Decimal("0.1"))
            else:
                result.problems[problem] = index.quantize(Decimal("0.01"))
        if problems:
            reading.errors.append(_("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(problems)})
    return reading


@dataclass(frozen=True)
class Change:
    """A result beside the survey before's."""

    value: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return None if self.value is None or self.previous is None else self.value - self.previous


@dataclass
class AreaComparison:
    area: str
    problem_index: Change
    safe_share: Change
    problems: list[tuple[str, Change]]


@dataclass
class SurveyComparison:
    year: int
    previous_year: int | None
    areas: list[AreaComparison]
    chart: str


def area_key(name: str) -> str:
    """An area's name as compared: "Centrum" in one survey is "centrum " in the next."""
    return " ".join(name.split()).casefold()


def _surveys(municipality: Organisation, year: int) -> dict[str, SafetySurvey]:
    found = SafetySurvey.objects.filter(municipality=municipality, year=year).prefetch_related(
        Prefetch("problems", queryset=ProblemIndex.objects.order_by("problem"))
    )
    return {survey.area: survey for survey in found}


def survey_comparison(municipality: Organisation, year: int | None = None) -> SurveyComparison | None:
    """The latest survey (up to `year`, if given), area by area, against the survey before it; None when there is
    none. In a fixed number of queries."""
    years = SafetySurvey.objects.filter(municipality=municipality)
    if year is not None:
        years = years.filter(year__lte=year)
    found = list(years.order_by("-year").values_list("year", flat=True).distinct()[:2])
    if not found:
        return None
    latest, previous_year = found[0], (found[1] if len(found) > 1 else None)
    surveys = _surveys(municipality, latest)
    before = _surveys(municipality, previous_year) if previous_year else {}
    areas = []
    before = {area_key(area): survey for area, survey in before.items()}
    for area, survey in surveys.items():
        earlier = before.get(area_key(area))
        earlier_problems = {p.problem.casefold(): p.value for p in earlier.problems.all()} if earlier else {}
        areas.append(
            AreaComparison(
                area=area,
                problem_index=Change(survey.problem_index, earlier.problem_index if earlier else None),
                safe_share=Change(survey.safe_share, earlier.safe_share if earlier else None),
                problems=[
                    (p.problem, Change(p.value, earlier_problems.get(p.problem.casefold())))
                    for p in survey.problems.all()
                ],
            )
        )
    charted = [a for a in areas if a.problem_index.value is not None]
    chart = (
        bar_chart(
            bars=[(a.area, float(a.problem_index.value)) for a in charted],
            compare=[None if a.problem_index.previous is None else float(a.problem_index.previous) for a in charted],
            text=ChartText(
                title=_("Problem index per area %(year)s") % {"year": latest},
                description=_("The police's safety survey: the problem index of each area, with the survey before."),
                unit=_("problem index"),
                baseline=_("Survey %(year)s") % {"year": previous_year} if previous_year else "",
                target="",
            ),
            width=640,
        )
        if charted
        else ""
    )
    return SurveyComparison(year=latest, previous_year=previous_year, areas=areas, chart=chart)
