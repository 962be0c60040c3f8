"""The year's follow-up as an Excel workbook or CSV, for people who work on in spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .access import get_report_for_user
from .report import AnnualReport, FocusAreaReport, build_annual_report

Value = str | int | Decimal | date | None
Sheet = tuple[str, list[str], list[list[Value]]]  # (title, headers, rows)

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# A cell starting with one of these is taken for a formula by spreadsheet programs (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_COLUMN_WIDTH = 60


def _area(section: FocusAreaReport) -> str:
    """The focus area's title, or the heading of the commitments outside every focus area."""
    return section.focus_area.title if section.focus_area else _("Other commitments")


def _party_words(comment) -> str:
    """A party's comment, after its own status of a joint commitment and followed by who reported it for the party
    if another party did."""
    words = " · ".join(
        str(part) for part in (comment.get_status_display() if comment.status else "", comment.text) if part
    )
    if comment.reported_by_id:
        words += f" ({_('reported by %(reporter)s') % {'reporter': comment.reported_by.name}})"
    return words


def _commitments(annual: AnnualReport) -> Sheet:
    """One row per commitment: the target, what was achieved and each party's comment."""
    headers = [
        _("Focus area"),
        _("Who commits"),
        _("Commitment"),
        _("Target group"),
        _("Responsible role"),
        _("Status"),
        _("Target"),
        _("Unit"),
        _("Target applies"),
        _("Target as written"),
        _("Achieved"),
        _("Counted against target"),
        _("Target verdict"),
        *(_("Comment from %(party)s") % {"party": party.name} for party in annual.parties),
        _("Evidence (link)"),
    ]
    rows: list[list[Value]] = []
    for section in annual.focus_areas:
        for line in section.commitments:
            commitment, outcome, progress = line.commitment, line.outcome, line.progress
            comments = {comment.party_id: _party_words(comment) for comment in line.comments}
            rows.append(
                [
                    _area(section),
                    ", ".join(party.name for party in commitment.parties.all()),
                    commitment.text,
                    commitment.target_group,
                    commitment.responsible_role,
                    outcome.get_status_display() if outcome else None,
                    commitment.target_value,
                    commitment.target_unit,
                    commitment.get_target_scope_display(),
                    commitment.target_text,
                    outcome.achieved if outcome else None,
                    progress.counted if progress else None,
                    str(progress.verdict_label) if progress else None,
                    *(comments.get(party.pk) for party in annual.parties),
                    outcome.evidence_link if outcome else None,
                ]
            )
    return _("Commitments"), headers, rows


def _activities(annual: AnnualReport) -> Sheet:
    """One row per activity row of a focus area, with its status and comment of the year."""
    headers = [_("Focus area"), _("Activity"), _("Measure"), _("Status"), _("Comment")]
    rows: list[list[Value]] = [
        [
            _area(section),
            line.row.activity,
            line.row.measure,
            line.outcome.get_status_display() if line.outcome else None,
            line.outcome.comment if line.outcome else None,
        ]
        for section in annual.focus_areas
        for line in section.activities
    ]
    return _("Activities"), headers, rows


def _indicators(annual: AnnualReport) -> Sheet:
    """One row per indicator, with one column per year that has a value (and the report's own year)."""
    lines = [(section, line) for section in annual.focus_areas for line in section.indicators]
    years = sorted({annual.report.year, *(year for _section, line in lines for year, _value in line.series)})
    headers = [
        _("Focus area"),
        _("Indicator"),
        _("Unit"),
        _("Source"),
        _("Direction wanted"),
        _("Baseline year"),
        _("Baseline value"),
        _("Target value"),
        *(str(year) for year in years),
        _("Trend"),
    ]
    rows: list[list[Value]] = []
    for section, line in lines:
        indicator, series = line.indicator, dict(line.series)
        rows.append(
            [
                _area(section),
                indicator.name,
                indicator.unit,
                indicator.get_source_display(),
                indicator.get_direction_display(),
                indicator.baseline_year,
                indicator.baseline_value,
                indicator.target_value,
                *(series.get(year) for year in years),
                str(line.trend_label),
            ]
        )
    return _("Indicators"), headers, rows


def xlsx(sheets: list[Sheet]) -> bytes:
    """A workbook with one sheet per section: bold frozen header, autofilter and widths to fit."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title[:31])  # Excel's limit on sheet names
        for values in [headers, *rows]:
            sheet.append(values)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula, even when it starts with "="
        for index, column in enumerate(sheet.iter_cols(), start=1):
            longest = max(len(str(cell.value)) if cell.value is not None else 0 for cell in column)
            sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, MAX_COLUMN_WIDTH)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cell(value: Value) -> str:
    """The value as Swedish Excel reads it: decimal comma, ISO dates, and text that cannot become a formula."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    return str(value).replace(".", ",")  # Decimal("12.50") -> "12,50"; ints and dates (ISO) unchanged


def _csv(sheets: list[Sheet]) -> bytes:
    """The sections one after the other, an empty row and their own header row between them."""
    # Swedish Excel opens a CSV as Windows-1252 unless it starts with a BOM, splits columns on semicolons (the
    # comma is the decimal separator in Sweden) and reads numbers only with a decimal comma: hence all three.
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for index, (_title, headers, rows) in enumerate(sheets):
        if index:
            writer.writerow([])
        writer.writerow(headers)
        writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


@login_required
@require_safe
def report_export(request: HttpRequest, pk: int, year: int, fmt: str, period: str = "") -> HttpResponse:
    """The year's (or period's) follow-up as an .xlsx workbook or a .csv file, for anyone who may read the
    agreement."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    report = get_report_for_user(request.user, pk, year, period=period)
    annual = build_annual_report(report)
    sheets = [_commitments(annual), _activities(annual), _indicators(annual)]
    content = xlsx(sheets) if fmt == "xlsx" else _csv(sheets)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    filename = f"uppfoljning-{slugify(report.agreement.title)}-{report.period_in_names}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
