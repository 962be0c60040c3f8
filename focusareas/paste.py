"""Reading a table pasted from Word or Excel into activity rows, and a pasted list into commitments."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import lxml.html
from django.utils.translation import gettext as _

from samverkan.lib.richtext import structure_pasted_html

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


MAX_COMMITMENTS = 200
# A bullet, a dash, a number or a letter before an item; Word copies a list as its marker, a tab and the text, its
# second level with "o" and a tab.
ITEM_MARKER = re.compile(r"(?:[•·▪◦‣∙●○■□➢✓–—*-]|o(?=\t)|\(?\d{1,3}[.)]|[a-zåäö][.)](?=\s))\s*")
# "Polisen förbinder sig att", "Sölvesborgs kommun förbinder sig till att", "Kommunen lovar att", "Tillsammans
# lovar vi att": who commits is said by the parties chosen, and printed before the list.
PROMISE = re.compile(
    r"(?:[A-ZÅÄÖ][\w-]*(?:\s+[\w-]+){0,4}\s+)?(?:förbinder\s+sig(?:\s+till)?|åtar\s+sig|lovar(?:\s+vi)?)"
    r"(?:\s+att)?(?:\s*:|\s+|$)",
    re.IGNORECASE,
)
LIST_TAGS = {"ul", "ol"}


def _lines_of_html(html: str) -> list[str]:
    """A list copied as HTML, as the lines a plain-text copy would give: each item after a bullet."""
    root = lxml.html.fragment_fromstring(structure_pasted_html(html), create_parent="div")
    lines = []
    for element in root.iter("li", "p", "h1", "h2", "h3", "h4", "h5", "h6"):
        if element.tag != "li" and any(parent.tag == "li" for parent in element.iterancestors()):
            continue  # a paragraph inside an item is the item's text
        own = [element.text or ""]
        for child in element:
            if child.tag not in LIST_TAGS:
                own += [child.text_content(), child.tail or ""]
            else:
                own.append(child.tail or "")
        text = " ".join("".join(own).split())
        lines.append(f"• {text}" if element.tag == "li" else text)
        lines.append("")
    return lines


def _cleaned_commitment(text: str) -> str:
    text = " ".join(text.split())
    text = PROMISE.sub("", text, count=1) if PROMISE.match(text) else text
    text = re.sub(r"(?:[;,]|\s+(?:och|samt))+$", "", text).strip()
    return text


def parse_commitments(text: str) -> list[str]:
    """One commitment per item of a pasted list (plain lines, or a list copied from Word as HTML): bullets and
    numbers taken off, as is the lead-in that says who commits ("Polisen förbinder sig att"); a line ending in a
    colon introduces the list and is left out. In a list with bullets, a line right under an item continues it
    and any other line is no item (an introduction, a note after the list); without bullets, each line is one."""
    if re.search(r"<(?:li|p|ul|ol|div)\b", text, re.IGNORECASE):
        try:
            lines = _lines_of_html(text)
        except (ValueError, lxml.etree.LxmlError):
            lines = text.splitlines()
    else:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    marked = any(ITEM_MARKER.match(line.strip()) for line in lines)
    items: list[str] = []
    continues = False
    for line in (line.strip() for line in lines):
        if not line:
            continues = False
            continue
        marker = ITEM_MARKER.match(line)
        if marker:
            items.append(line[marker.end() :])
            continues = True
        elif line.endswith(":"):
            continues = False  # "Polisen förbinder sig att:" before the list
        elif marked:
            if continues:
                items[-1] += " " + line
        else:
            items.append(line)
    commitments = [cleaned for item in items if (cleaned := _cleaned_commitment(item))]
    if not commitments:
        raise PasteError(_("There is no list to read. Copy the list of commitments in Word and paste it here."))
    if len(commitments) > MAX_COMMITMENTS:
        raise PasteError(_("At most %(max)d commitments can be pasted at once.") % {"max": MAX_COMMITMENTS})
    return commitments
