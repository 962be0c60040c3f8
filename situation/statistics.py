"""The monthly statistics: reading an export (CSV or Excel: date or month, type of crime, place, count) row by
row with a clear error for each row that cannot be read, and the trends by month, place, type and weekday."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Sum
from django.db.models.functions import ExtractIsoWeekDay
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from agreements.models import Organisation

from .models import CrimeCount

MAX_ROWS = 100_000
HEADERS = {
    "when": {"datum", "månad", "manad", "period", "date", "month"},
    "crime_type": {"brottstyp", "typ", "brott", "kategori", "type", "crime type"},
    "place": {"plats", "område", "omrade", "geografi", "place", "area"},
    "count": {"antal", "count", "number"},
}
MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})")
DAY = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")


class UnreadableFile(ValueError):
    """The file is not a table this import reads; the message says why, in the user's language."""


@dataclass(frozen=True)
class Row:
    month: date
    day: date | None
    crime_type: str
    place: str
    count: int


@dataclass
class Reading:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def months(self) -> list[date]:
        return sorted({row.month for row in self.rows})


def read_table(name: str, content: bytes) -> list[list]:
    """The cells of a CSV file (UTF-8 or Windows-1252, separated by ; or ,) or of an Excel workbook's first sheet."""
    if name.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds of errors on a file that is not a workbook
            raise UnreadableFile(_("The file could not be read as an Excel workbook (.xlsx).")) from None
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    if not name.lower().endswith(".csv"):
        raise UnreadableFile(_("Choose a CSV file (.csv) or an Excel workbook (.xlsx)."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)][: MAX_ROWS + 1]


def _when(value) -> tuple[date, date | None]:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1), value
    text = str(value or "").strip()
    if match := DAY.fullmatch(text):
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
        return day.replace(day=1), day
    if match := MONTH.fullmatch(text):
        return date(int(match["year"]), int(match["month"]), 1), None
    raise ValueError


def _count(value) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value or "").strip().replace(" ", "").replace("\u00a0", "")
        if not text.isascii() or not text.isdigit():
            raise ValueError
        number = int(text)
    if not 0 <= number <= 1_000_000:
        raise ValueError
    return number


def table_header(table: list[list], headers: dict[str, set[str]]) -> tuple[int | None, dict[str, int | None]]:
    """The index of the table's first filled row (None for an empty table) and, for each key of `headers`, the
    column whose name in that row is one of the key's names (None where no column is)."""
    first = next((i for i, row in enumerate(table) if any(str(cell or "").strip() for cell in row)), None)
    header = [str(cell or "").strip().casefold() for cell in table[first]] if first is not None else []
    return first, {
        key: next((i for i, name in enumerate(header) if name in names), None) for key, names in headers.items()
    }


def parse(table: list[list]) -> Reading:
    """The rows of the table under its header, each either read or named in an error with its line number."""
    reading = Reading()
    first, columns = table_header(table, HEADERS)
    if first is None:
        reading.errors.append(_("The file is empty."))
        return reading
    missing = [key for key in ("when", "crime_type", "count") if columns[key] is None]
    if missing:
        reading.errors.append(
            _(
                "The first row must name the columns: date or month (Datum/Månad), type of crime (Brottstyp), place "
                "(Plats, may be left out) and count (Antal)."
            )
        )
        return reading
    if len(table) > MAX_ROWS + first:
        reading.errors.append(_("The file has more than %(max)s rows; split it up.") % {"max": MAX_ROWS})
        return reading
    for number, cells in enumerate(table[first + 1 :], start=first + 2):
        if not any(str(cell or "").strip() for cell in cells):
            continue

        value = {key: cells[i] if i is not None and i < len(cells) else None for key, i in columns.items()}
        problems = []
        try:
            month, day = _when(value["when"])
        except ValueError:
            problems.append(
                _("the date or month “%(value)s” is not written as YYYY-MM-DD or YYYY-MM")
                % {"value": value["when"] or ""}
            )
        crime_type = str(value["crime_type"] or "").strip()[:200]
        if not crime_type:
            problems.append(_("the type of crime is missing"))
        try:
            count = _count(value["count"])
        except ValueError:
            problems.append(
                _("the count “%(value)s” is not a whole number of 0 or more") % {"value": value["count"] or ""}
            )
        if problems:
            reading.errors.append(_("Row %(row)s: %(problems)s.") % {"row": number, "problems": "; ".join(problems)})
            continue
        reading.rows.append(Row(month, day, crime_type, str(value["place"] or "").strip()[:200], count))
    return reading


def months_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class MonthLine:
    month: date
    count: int
    last_year: int | None  # the same month a year before, if imported


@dataclass(frozen=True)
class Breakdown:
    name: str
    recent: int  # the latest 12 months
    before: int  # the 12 months before them


@dataclass
class SourceTrends:
    source: str
    label: str
    months: list[MonthLine]  # the latest 12 months with data, oldest first
    places: list[Breakdown]
    types: list[Breakdown]
    weekdays: list[tuple[str, int]]  # from the rows imported with dates

    @property
    def tables(self) -> list[tuple[str, list[Breakdown]]]:
        return [(_("Reports per place"), self.places), (_("Reports per type of crime"), self.types)]


def source_trends(municipality: Organisation, source: str) -> SourceTrends | None:
    """The trends of one source over its latest 12 months against the 12 before, in a fixed number of queries."""
    counts = CrimeCount.objects.filter(municipality=municipality, source=source)
    latest = counts.order_by("-month").values_list("month", flat=True).first()
    if latest is None:
        return None
    first = months_back(latest, 11)
    window = counts.filter(month__gte=months_back(latest, 23), month__lte=latest)
    by_month = dict(window.values_list("month").annotate(total=Sum("count")).order_by())
    months = [months_back(latest, n) for n in range(11, -1, -1)]

    def breakdown(key: str) -> list[Breakdown]:
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for name, month, total in window.values_list(key, "month").annotate(total=Sum("count")).order_by():
            sums[name][0 if month >= first else 1] += total
        return sorted((Breakdown(name, *pair) for name, pair in sums.items()), key=lambda b: (-b.recent, b.name))

    weekdays = dict(
        window.filter(month__gte=first, day__isnull=False)
        .annotate(weekday=ExtractIsoWeekDay("day"))
        .values_list("weekday")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return SourceTrends(
        source=source,
        label=str(CrimeCount.Source(source).label),
        months=[MonthLine(m, by_month.get(m, 0), by_month.get(months_back(m, 12))) for m in months],
        places=breakdown("place"),
        types=breakdown("crime_type"),
        weekdays=[(str(WEEKDAYS[n - 1]).capitalize(), weekdays.get(n, 0)) for n in range(1, 8)] if weekdays else [],
    )


def series_total(
    *, municipality_id: int, source: str, crime_type: str, place: str, year: int, until: date | None = None
) -> int | None:
    """A statistics series' count over a year (up to the month of `until`, for the part of a year a quarter's or
    half-year's follow-up has seen); None when nothing of that year is imported."""
    counts = CrimeCount.objects.filter(municipality_id=municipality_id, source=source, month__year=year)
    if until is not None:
        counts = counts.filter(month__lte=until)
    if crime_type:
        counts = counts.filter(crime_type__iexact=crime_type)
    if place:
        counts = counts.filter(place__iexact=place)
    return counts.aggregate(total=Sum("count"))["total"]


def yearly_totals(municipality: Organisation, series: list) -> dict[int, list[tuple[int, int]]]:
    """{series id: [(year, count), …]} for the given series, from one query over the municipality's statistics."""
    rows = (
        CrimeCount.objects.filter(municipality=municipality)
        .values_list("source", "crime_type", "place", "month__year")
        .annotate(total=Sum("count"))
        .order_by()
    )
    totals: dict[int, dict[int, int]] = {one.pk: defaultdict(int) for one in series}
    for source, crime_type, place, year, total in rows:
        for one in series:
            if (
                one.source == source
                and (not one.crime_type or one.crime_type.casefold() == crime_type.casefold())
                and (not one.place or one.place.casefold() == place.casefold())
            ):
                totals[one.pk][year] += total
    return {pk: sorted(years.items()) for pk, years in totals.items()}
