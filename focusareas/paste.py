"""Reading a table pasted from Word or Excel into activity rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

COLUMNS = 4
MAX_ROWS = 2000
HEADER = ("aktivitet", "åtgärd", "uppföljning", "mål/effekt")


class PasteError(ValueError):
    """The pasted text is not a table of activities; the message says why, in the user's language."""


@dataclass(frozen=True)
class PastedRow:
    activity: str
    measure: str
    follow_up: str
    goal_effect: str


def _is_header(cells: list[str]) -> bool:
    return tuple(cell.lower().replace(" ", "") for cell in cells) == HEADER


def parse_table(text: str) -> list[PastedRow]:
    """Rows of tab-separated cells; a cell holding line breaks comes quoted, as Word and Excel copy it.

    Short rows are padded with empty cells; a row with more than four filled cells, or with no activity, is an
    error, so that nothing is saved from a paste that was misread.
    """
    # Excel ends rows with CR LF and breaks lines inside a cell with LF; one kind of line end is enough here.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"', strict=True))
    except csv.Error as error:
        raise PasteError(
            _("The table could not be read: a quotation mark in a cell is not closed (%(error)s).") % {"error": error}
        ) from None

    rows: list[PastedRow] = []
    for number, cells in enumerate(lines, start=1):
        cells = [cell.strip() for cell in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if not rows and _is_header(cells):
            continue
        if len(cells) > COLUMNS:
            raise PasteError(
                _(
                    "Row %(row)d has %(count)d columns. Paste a table with the four columns Aktivitet, Åtgärd, "
                    "Uppföljning and Mål/Effekt."
                )
                % {"row": number, "count": len(cells)}
            )
        if not cells[0]:
            raise PasteError(_("Row %(row)d has no activity in its first column.") % {"row": number})
        rows.append(PastedRow(*(cells + [""] * (COLUMNS - len(cells)))))
        if len(rows) > MAX_ROWS:
            raise PasteError(_("At most %(max)d rows can be pasted at once.") % {"max": MAX_ROWS})
    if not rows:
        raise PasteError(_("There is no table to read. Copy the table's rows in Word or Excel and paste them here."))
    return rows
