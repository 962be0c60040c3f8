"""An agreement written in Word, brought in whole: the .docx read as semantic HTML (mammoth), that HTML read as a
plan of what will be created (title, period, the section trees of the agreement and of Bilaga 1, focus areas with
their activity rows, signatories), and the plan created as a draft, all or nothing.

Nothing the plan does not recognise is dropped: it stays as text in the nearest section. Images become figures of the
nearest section, with the description Word holds for them as their alternative text; one that is not an image the
product takes (a Windows metafile, say) is named in the preview as not carried."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from html.parser import HTMLParser

import mammoth
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import (
    IMPORTED_ALT_TEXT,
    MAX_SECTION_DEPTH,
    Agreement,
    CooperationForum,
    Figure,
    Organisation,
    Party,
    Section,
    Signatory,
)
from focusareas.models import ActivityRow, Commitment, FocusArea
from samverkan.lib.images import image_extension
from samverkan.lib.richtext import sanitize_html
from samverkan.lib.validation import FORBIDDEN_CHARACTERS

from .document import main_blocks

MAX_DOCX_BYTES = 10 * 1024 * 1024
# An upload is kept under imports/ between its preview and the confirmation; after a day it is abandoned.
IMPORTS_FOLDER = "imports"
ABANDONED_AFTER = timedelta(days=1)
# A .docx is a zip: a small file can unpack to gigabytes. A long agreement with its pictures unpacks to a few MB.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DOCUMENT_PART = "word/document.xml"

# Word's built-in styles keep their English names inside the file whatever the language of Word; documents made in
# other programs may carry the Swedish names. A list written with Word's second- or third-level list styles ("List
# Number 2") is nested in the item above it, as one indented with Tab is.
STYLE_MAP = """
p[style-name='Title'] => h1.title:fresh
p[style-name='Rubrik'] => h1.title:fresh
p[style-name='Subtitle'] => p:fresh
p[style-name='Underrubrik'] => p:fresh
p[style-name='toc 1'] => p.toc:fresh
p[style-name='toc 2'] => p.toc:fresh
p[style-name='toc 3'] => p.toc:fresh
p[style-name='toc 4'] => p.toc:fresh
p[style-name='TOC Heading'] => p.toc:fresh
p[style-name='Rubrik 1'] => h1:fresh
p[style-name='Rubrik 2'] => h2:fresh
p[style-name='Rubrik 3'] => h3:fresh
p[style-name='Rubrik 4'] => h4:fresh
p[style-name='Rubrik 5'] => h5:fresh
p[style-name='Rubrik 6'] => h6:fresh
p[style-name='List Bullet 2'] => ul|ol > li > ul > li:fresh
p[style-name='List Number 2'] => ul|ol > li > ol > li:fresh
p[style-name='List Bullet 3'] => ul|ol > li > ul|ol > li > ul > li:fresh
p[style-name='List Number 3'] => ul|ol > li > ul|ol > li > ol > li:fresh
p[style-name='Punktlista 2'] => ul|ol > li > ul > li:fresh
p[style-name='Numrerad lista 2'] => ul|ol > li > ol > li:fresh
p[style-name='Punktlista 3'] => ul|ol > li > ul|ol > li > ul > li:fresh
p[style-name='Numrerad lista 3'] => ul|ol > li > ul|ol > li > ol > li:fresh
"""

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCK_TAGS = {"p", "ul", "ol", "table", "blockquote", "li", "tr", "td", "th"}
VOID_TAGS = {"br", "img", "hr"}
# "2.1. Trygghetsvandringar": the product numbers sections itself, so a number typed into a heading goes.
TYPED_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=\S)")
APPENDIX = re.compile(r"^\s*bilaga\s*(1|i|ett)\b[\s.:–—-]*", re.IGNORECASE)
# "Överenskommelsen har upprättats i två likalydande exemplar": a clause the PDF prints itself from `copies`.
COPIES_CLAUSE = re.compile(r"upprättats\s+i\s+(\d+|\w+)\s+(?:likalydande\s+)?(?:exemplar|original)", re.IGNORECASE)
NUMBER_WORDS = {"ett": 1, "en": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8}
SIGNING_CUES = re.compile(r"underteckna|ort och datum|ort, datum|namnteckning|för kännedom", re.IGNORECASE)
ON_BEHALF = re.compile(r"^\s*för\s+(\S.*)$", re.IGNORECASE)
# A line naming an organisation rather than a person or a title ("Lokalpolisområdeschef" ends otherwise).
ORGANISATION = re.compile(
    r"(\bkommun|\bstad|\bpolisen|\bpolismyndigheten|\bregion \S+|\b(lokal)?polisområde(t)? \S+|\bAB)\s*$",
    re.IGNORECASE,
)
DOTTED_LINE = re.compile(r"^[\s._…-]*$")
DASH = r"\s*(?:–|—|-|till|t\.\s?o\.\s?m\.?)\s*"
YEAR_RANGE = re.compile(rf"\b((?:19|20)\d\d){DASH}((?:19|20)\d\d)\b")
MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ),
        start=1,
    )
}
DATE = re.compile(
    r"\b(?:((?:19|20)\d\d)-(\d\d)-(\d\d)|(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+((?:19|20)\d\d))\b", re.IGNORECASE
)
# "Hamnstad 2024-01-15", "Trelleborg den 14 mars 2025": the place and date of signing, printed by the PDF itself.
SIGNING_PLACE_DATE = re.compile(
    rf"^(?:[Oo]rt och datum:?\s*)?([A-ZÅÄÖ][\w-]+(?:\s[A-ZÅÄÖ][\w-]+){{0,2}}),?\s+(?:den\s+)?({DATE.pattern})\s*$",
)
# A citizen promise names itself, and its promises read "Polisen lovar att …".
CITIZEN_PROMISE = re.compile(r"medborgarlöfte", re.IGNORECASE)
PROMISE = re.compile(r"\blovar\s+(?:vi\s+)?att\b", re.IGNORECASE)
UNTIL_FURTHER_NOTICE = re.compile(r"tills\s+vidare", re.IGNORECASE)
EVERY_NTH_YEAR = {"vartannat": 2, "varannat": 2, "vart tredje": 3, "vart fjärde": 4, "vart femte": 5}
INTERVAL = re.compile(r"\b(vartannat|varannat|vart tredje|vart fjärde|vart femte)\s+år", re.IGNORECASE)
ACTIVITY_HEADER = (
    re.compile(r"^(aktivitet|aktiviteter|insats|insatser)$"),
    re.compile(r"^(åtgärd|åtgärder)$"),
    re.compile(r"^(uppföljning|uppföljningar|uppföljning\s*/\s*mätning|mätning)$"),
    re.compile(r"^(mål|effekt|effektmål|förväntad effekt|mål\s*(/|och|&|\+)\s*effekt|förväntat resultat)$"),
)
EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br>)*</p>")
# "Polisen förbinder sig att …", "Norrbacka kommun förbinder sig att:", "Polisen och kommunen lovar tillsammans att":
# who commits (a party's name or what the text calls it, several joined by "och"), the verb, and what follows. Only a
# paragraph or list item that begins so is a commitment; a sentence that mentions one in running prose is not.
PARTY_WORD = r"(?:[A-ZÅÄÖ][\w.-]*(?:s)?|kommun|kommunen|polisen|stad|staden|AB|region|lokalpolisområde)"
COMMITMENT = re.compile(
    rf"^(?P<who>{PARTY_WORD}(?:\s+{PARTY_WORD}){{0,3}}(?:(?:\s+och\s+|,\s*){PARTY_WORD}(?:\s+{PARTY_WORD}){{0,3}}){{0,3}})"
    r"\s+(?:förbinder\s+sig|lovar)(?P<joint>\s+(?:gemensamt|tillsammans))?\s+att\b[\s:]*(?P<text>.*)$",
    re.DOTALL,
)
# Under a heading on the forums ("Samverkansforum", "Mötesforum"), a line "Styrgrupp: kommundirektören och
# lokalpolisområdeschefen, fyra gånger per år" names a forum, who takes part and how often it meets.
FORUMS_HEADING = re.compile(r"forum|\bfora\b|mötesstruktur", re.IGNORECASE)
FORUM_LINE = re.compile(r"^(?P<name>[A-ZÅÄÖ][^:.]{1,60}?)\s*(?::|\s[–—-]\s)\s*(?P<description>\S.*)$")
MEETS = re.compile(
    r"\b(gång|gånger|varje|veckan?|veckovis|månaden?|månadsvis|kvartal|kvartalsvis|året?|halvår|dagligen|vid behov)\b",
    re.IGNORECASE,
)
NOT_WHO = re.compile(
    r"^(det|detta|denna|den|dessa|de|man|han|hon|som|ingen|alla|året|arbetet|avtalet|överenskommelsen|löftet)$",
    re.IGNORECASE,
)
ALL_PARTIES = re.compile(r"^(parterna|vi|samtliga parter|båda parter(na)?)$", re.IGNORECASE)
CONTENTS = re.compile(r"^\s*innehåll(sförteckning)?\s*$", re.IGNORECASE)
CONTENTS_ENTRY = re.compile(r"^\S.{0,150}?(?:\s|\.{2,}|…)\s*\d{1,3}$")
TITLE_WORDS = re.compile(r"överenskommelse|medborgarlöfte|avtal|löfte|handlingsplan", re.IGNORECASE)


# --- The HTML as a small tree --------------------------------------------------------------------------------------


@dataclass
class Node:
    """An element of mammoth's HTML: its tag, attributes and children (nodes or text)."""

    tag: str
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[Node | str] = field(default_factory=list)

    def html(self) -> str:
        attributes = "".join(f' {name}="{escape(value or "")}"' for name, value in self.attrs)
        if self.tag in VOID_TAGS:
            return f"<{self.tag}{attributes}>"
        inner = "".join(child.html() if isinstance(child, Node) else escape(child, quote=False) for child in self)
        return f"<{self.tag}{attributes}>{inner}</{self.tag}>"

    def __iter__(self):
        return iter(self.children)

    def text(self) -> str:
        """The text as lines: a paragraph, list item or line break begins a new one."""
        parts: list[str] = []
        for child in self:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag == "br":
                parts.append("\n")
            else:
                inner = child.text()
                parts.append(f"\n{inner}\n" if child.tag in BLOCK_TAGS else inner)
        lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
        return "\n".join(line for line in lines if line)

    def find_all(self, tag: str) -> list[Node]:
        found = []
        for child in self:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found += child.find_all(tag)
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(FORBIDDEN_CHARACTERS.sub(" ", data))


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --- The plan ------------------------------------------------------------------------------------------------------


@dataclass
class PlannedSection:
    """A section to create: its part, depth (1 at the top), heading, the blocks of its text and the commitments
    written at its end."""

    part: str
    depth: int
    heading: str
    blocks: list[Node] = field(default_factory=list)
    number: str = ""
    commitments: list[PlannedCommitment] = field(default_factory=list)

    @property
    def body(self) -> str:
        return _html(self.blocks)

    @property
    def committed(self) -> list[str]:
        return _who(self.commitments)


@dataclass
class PlannedCommitment:
    """A commitment or promise written in the text: who commits, as the text names them ("Polisen", "Parterna"), whether
    they commit together, and what they commit to."""

    who: str
    text: str
    joint: bool = False


@dataclass
class PlannedForum:
    """A cooperation forum named under a forums heading: its name, who takes part and how often it meets."""

    name: str
    participants: str = ""
    meeting_frequency: str = ""


@dataclass
class PlannedFocusArea:
    """A focus area made of an activity table: its title, the section it is shown under, its rows and the commitments
    written in its text."""

    title: str
    placement: PlannedSection | None
    rows: list[tuple[str, str, str, str]]
    description_blocks: list[Node] = field(default_factory=list)
    commitments: list[PlannedCommitment] = field(default_factory=list)
    position: tuple[int, int] = (0, 0)  # where it stood in the document, for its order among the focus areas

    @property
    def description(self) -> str:
        return _html(self.description_blocks)

    @property
    def committed(self) -> list[str]:
        return _who(self.commitments)


def _who(commitments: list[PlannedCommitment]) -> list[str]:
    """Who commits, as the text names them, each once in the order they first do."""
    return list(dict.fromkeys(commitment.who for commitment in commitments))


@dataclass
class PlannedSignatory:
    """A name and title from a signature block, with the party it was written for if the block said (För …)."""

    name: str
    title: str
    on_behalf_of: str = ""


@dataclass
class PlannedImage:
    """An image of the Word file: its bytes, the description Word holds for it, the extension it is stored under
    (None when it is not an image the product takes, with the reason) and the section it becomes a figure of."""

    content: bytes
    alt_text: str
    extension: str | None
    refusal: str = ""
    section: PlannedSection | None = None

    @property
    def figure_alt_text(self) -> str:
        """Its description, or a placeholder the preview and the page ask the user to replace."""
        return (self.alt_text or str(IMPORTED_ALT_TEXT))[:500]

    @property
    def carried(self) -> bool:
        return self.extension is not None and self.section is not None


@dataclass
class ImportPlan:
    """What a Word file will become, shown in the preview before anything is created."""

    title: str
    start_date: date | None
    end_date: date | None
    revision_interval_years: int | None
    sections: list[PlannedSection]
    focus_areas: list[PlannedFocusArea]
    signatories: list[PlannedSignatory]
    images: list[PlannedImage] = field(default_factory=list)
    forums: list[PlannedForum] = field(default_factory=list)
    forums_in_appendix: bool = False
    forums_section: PlannedSection | None = None
    copies: int | None = None
    kind: str = Agreement.Kind.AGREEMENT
    signing_place: str = ""
    signing_date: date | None = None
    kept_as_text: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def figures(self) -> list[PlannedImage]:
        return [image for image in self.images if image.carried]

    @property
    def images_not_carried(self) -> list[PlannedImage]:
        return [image for image in self.images if not image.carried]

    @property
    def period_recognised(self) -> bool:
        return self.start_date is not None

    @property
    def agreement_sections(self) -> list[PlannedSection]:
        return [section for section in self.sections if section.part == Section.Part.AGREEMENT]

    @property
    def appendix_sections(self) -> list[PlannedSection]:
        return [section for section in self.sections if section.part == Section.Part.APPENDIX]


def _html(blocks: list[Node]) -> str:
    """The blocks as the sanitiser keeps them; a paragraph left empty (it held an image) goes."""
    return EMPTY_PARAGRAPH.sub("", sanitize_html("".join(block.html() for block in blocks)))


def _clean_heading(text: str) -> str:
    return TYPED_NUMBER.sub("", " ".join(text.split()))


def _is_activity_header(cells: list[str]) -> bool:
    if len(cells) != 4:
        return False
    normalised = [" ".join(cell.lower().split()).rstrip(":") for cell in cells]
    return all(pattern.match(cell) for pattern, cell in zip(ACTIVITY_HEADER, normalised, strict=True))


def _table_rows(table: Node) -> list[list[str]]:
    return [
        [cell.text() for cell in row if isinstance(cell, Node) and cell.tag in {"td", "th"}]
        for row in table.find_all("tr")
    ]


def activity_rows(table: Node) -> list[tuple[str, str, str, str]] | None:
    """The rows of a table headed Aktivitet | Åtgärd | Uppföljning | Mål/Effekt, None for any other table."""
    rows = _table_rows(table)
    if not rows or not _is_activity_header(rows[0]):
        return None
    body = [row for row in rows[1:] if any(row)]
    if any(len(row) != 4 for row in body):  # merged cells: kept as the table it is
        return None
    return [(row[0], row[1], row[2], row[3]) for row in body]


def _date(match: re.Match) -> date | None:
    try:
        if match.group(1):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return date(int(match.group(6)), MONTHS[match.group(5).lower()], int(match.group(4)))
    except ValueError:
        return None


def read_period(text: str) -> tuple[date | None, date | None, int | None]:
    """The period a text states: two dates, a range of years, or a start and "tills vidare" with how often the
    agreement is revised. (None, None, None) when none is found."""
    dates = [found for found in (_date(m) for m in DATE.finditer(text)) if found]
    if len(dates) >= 2 and dates[1] > dates[0]:
        return dates[0], dates[1], None
    years = YEAR_RANGE.search(text)
    if years and int(years.group(1)) < int(years.group(2)):
        return date(int(years.group(1)), 1, 1), date(int(years.group(2)), 12, 31), None
    if UNTIL_FURTHER_NOTICE.search(text):
        start = dates[0] if dates else None
        if start is None and (year := re.search(r"\b(?:19|20)\d\d\b", text)):
            start = date(int(year.group(0)), 1, 1)
        interval = INTERVAL.search(text)
        return start, None, EVERY_NTH_YEAR[interval.group(1).lower()] if interval else 2
    return None, None, None


def _party_line(line: str) -> str | None:
    """The party a line of a signing passage names ("För Trelleborgs kommun", "Polisen", "TRELLEBORGS KOMMUN"), None
    for a line that is a name or a title."""
    if match := ON_BEHALF.match(line):
        return match.group(1).strip().rstrip(":")
    if ORGANISATION.search(line) or (line.isupper() and len(line) > 3):
        return line.strip().rstrip(":")
    return None


def _signature_blocks(lines: list[str]) -> tuple[list[PlannedSignatory], int, int]:
    """Signatories from the lines of a signing passage: a name line and a title line, each for the party named
    before them ("För <party>", or the parties' names side by side before the names), dotted lines and places and
    dates skipped. Returns them with the indexes of the first and last lines of the passage; prose after the
    signatures ends it."""
    signatories: list[PlannedSignatory] = []
    first_used, last_used = len(lines), -1
    parties: list[str] = []
    pending: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if DOTTED_LINE.match(line) or DATE.search(line) or SIGNING_CUES.search(line):
            continue
        if not pending and (len(line) > 80 or line.endswith(".")):  # prose, not a name
            if signatories:
                break
            continue
        if (party := _party_line(line)) is not None and not pending:
            if not parties:
                first_used = min(first_used, index)
            parties.append(party)
            last_used = index
            continue
        pending.append((index, line))
        if len(pending) == 2:
            (name_index, name), (title_index, title) = pending
            if len(title) <= 120:
                on_behalf = parties.pop(0) if parties else ""
                signatories.append(PlannedSignatory(name=name[:200], title=title[:200], on_behalf_of=on_behalf))
                first_used, last_used = min(first_used, name_index), title_index
            pending = []
    return signatories, first_used, last_used


def _signing_lines(block: Node) -> list[str]:
    """A block's lines; a table (signatures side by side) read column by column."""
    if block.tag != "table":
        return block.text().splitlines()
    rows = _table_rows(block)
    width = max((len(row) for row in rows), default=0)
    return [line for column in range(width) for row in rows if column < len(row) for line in row[column].splitlines()]


def _signatories_in(blocks: list[Node]) -> tuple[list[PlannedSignatory], int, int]:
    """The signatures among blocks (tables of them side by side, or paragraphs) with the range of blocks they take;
    ([], 0, 0) if there are none."""
    for index, block in enumerate(blocks):
        if block.tag == "table" and (signatories := _signature_blocks(_signing_lines(block))[0]):
            return signatories, index, index + 1
    # Signature lines as paragraphs: read together, so that a name and its title pair up.
    lines = [
        (index, line) for index, block in enumerate(blocks) if block.tag == "p" for line in block.text().splitlines()
    ]
    signatories, first, last = _signature_blocks([line for _, line in lines])
    return (signatories, lines[first][0], lines[last][0] + 1) if signatories else ([], 0, 0)


def _take_signatories(sections: list[PlannedSection]) -> list[PlannedSignatory]:
    """The signature blocks of the agreement: after the last signing cue ("undertecknas", "ort och datum") in the
    agreement's part, or else two or more at its very end. The passage they are in leaves the text (the PDF prints
    the signature blocks itself); the cue and what follows the passage stay."""
    agreement_sections = [s for s in sections if s.part == Section.Part.AGREEMENT]
    candidates = [
        (section, [i for i, block in enumerate(section.blocks) if SIGNING_CUES.search(block.text())])
        for section in reversed(agreement_sections)
    ]
    searches = [(section, cues[-1] + 1, 1) for section, cues in candidates if cues]
    if agreement_sections:
        last = agreement_sections[-1]
        searches.append((last, _short_lines_at_the_end(last.blocks), 2))
    for section, start, at_least in searches:
        signatories, first, end = _signatories_in(section.blocks[start:])
        if len(signatories) >= at_least:
            section.blocks = section.blocks[: start + first] + section.blocks[start + end :]
            return signatories
    return []


def _short_lines_at_the_end(blocks: list[Node]) -> int:
    """Where the run of short lines (or tables of them) that ends the blocks begins: signature blocks one after
    another (party, dotted line, name, title), however many parties sign, after the last prose."""
    start = len(blocks)
    while start > 0:
        block = blocks[start - 1]
        text = block.text()
        if block.tag != "table" and (block.tag != "p" or "\n" in text or len(text) > 80 or text.endswith(".")):
            break
        start -= 1
    return start


def _forum(line: str) -> PlannedForum | None:
    match = FORUM_LINE.match(" ".join(line.split()))
    if match is None:
        return None
    description = match["description"].strip().rstrip(".")
    participants, _comma, last = description.rpartition(",")
    if participants and MEETS.search(last):
        return PlannedForum(match["name"], participants.strip(), last.strip()[:100])
    if MEETS.search(description) and len(description) <= 100:
        return PlannedForum(match["name"], meeting_frequency=description)
    return PlannedForum(match["name"], participants=description)


def _take_forums(sections: list[PlannedSection]) -> tuple[list[PlannedForum], PlannedSection | None]:
    """The cooperation forums named, one a line or list item, in sections headed as forums; they leave the text (the
    PDF prints them as its table of forums in the first section they stood in). Returns them, with that section."""
    forums: list[PlannedForum] = []
    place: PlannedSection | None = None
    for section in sections:
        if not FORUMS_HEADING.search(section.heading):
            continue
        kept: list[Node] = []
        for block in section.blocks:
            items = [li for li in block if isinstance(li, Node) and li.tag == "li"] if block.tag in {"ul", "ol"} else []
            lines = [li.text() for li in items] if items else [block.text()] if block.tag == "p" else []
            found = [_forum(line) for line in lines if "\n" not in line]
            if lines and len(found) == len(lines) and all(found):
                forums += found
                place = place or section
            else:
                kept.append(block)
        section.blocks = kept
    return forums, place


def _take_copies(sections: list[PlannedSection]) -> int | None:
    """The number of copies the agreement's part states ("upprättats i två exemplar"); the paragraph stating it leaves
    the text, since the PDF prints that clause itself from the number."""
    for section in sections:
        if section.part != Section.Part.AGREEMENT:
            continue
        for index, block in enumerate(section.blocks):
            match = COPIES_CLAUSE.search(block.text()) if block.tag == "p" else None
            if match is None:
                continue
            word = match.group(1).lower()
            copies = int(word) if word.isdigit() else NUMBER_WORDS.get(word)
            if copies is None or not 1 <= copies <= 20:
                return None
            del section.blocks[index]
            return copies
    return None


def _take_signing_place(sections: list[PlannedSection]) -> tuple[str, date | None]:
    """The place and date of signing the agreement's part states on a line of its own ("Hamnstad 2024-01-15"), the
    last such line; a paragraph that is only that line leaves the text, since the PDF prints it from the fields."""
    for section in reversed([s for s in sections if s.part == Section.Part.AGREEMENT]):
        for index in range(len(section.blocks) - 1, -1, -1):
            block = section.blocks[index]
            lines = block.text().splitlines() if block.tag == "p" else []
            for line in reversed(lines):
                match = SIGNING_PLACE_DATE.match(line)
                if match is None or (signed_on := _date(DATE.search(match.group(2)))) is None:
                    continue
                if len(lines) == 1:
                    del section.blocks[index]
                return match.group(1)[:100], signed_on
    return "", None


def _kind(title: str, text: str) -> str:
    """A citizen promise says so in its title, or names itself and makes at least two promises ("lovar att")."""
    if CITIZEN_PROMISE.search(title) or (CITIZEN_PROMISE.search(text) and len(PROMISE.findall(text)) >= 2):
        return Agreement.Kind.CITIZEN_PROMISE
    return Agreement.Kind.AGREEMENT


FIGURE_SOURCE = re.compile(r"^figure:(\d+)$")


def _place_images(sections: list[PlannedSection], focus_areas: list[PlannedFocusArea], images: list[PlannedImage]):
    """Each image becomes a figure of the section it stands in; one in a focus area's text, of the section the focus
    area is shown under (or else the last section of its part)."""

    def place(blocks: list[Node], section: PlannedSection | None) -> None:
        for block in blocks:
            for node in [block, *block.find_all("img")]:
                found = FIGURE_SOURCE.match(dict(node.attrs).get("src") or "") if node.tag == "img" else None
                if found and int(found.group(1)) < len(images) and images[int(found.group(1))].section is None:
                    images[int(found.group(1))].section = section

    for section in sections:
        place(section.blocks, section)
    appendix = [s for s in sections if s.part == Section.Part.APPENDIX]
    for focus_area in focus_areas:
        place(focus_area.description_blocks, focus_area.placement or (appendix or sections or [None])[-1])


def plan_from_html(
    html: str, *, images: list[PlannedImage] | None = None, warnings: list[str] | None = None
) -> ImportPlan:
    """Read mammoth's HTML of an agreement as what will be created."""
    root = parse_html(html)
    blocks = _typed_headings([child for child in root if isinstance(child, Node)])
    kept_as_text: list[str] = []

    title = ""
    title_index = next((i for i, b in enumerate(blocks) if b.tag == "h1" and ("class", "title") in b.attrs), None)
    if title_index is None:
        first_heading = next((i for i, b in enumerate(blocks) if b.tag in HEADINGS), None)
        if first_heading is not None and TITLE_WORDS.search(blocks[first_heading].text()):
            title_index = first_heading
        else:
            title_index = next(
                (
                    i
                    for i, b in enumerate(blocks[: first_heading if first_heading is not None else len(blocks)])
                    if b.tag == "p" and b.text() and len(b.text()) <= 200
                ),
                None,
            )
    if title_index is not None:
        title = _clean_heading(blocks[title_index].text().replace("\n", " "))
        blocks = blocks[:title_index] + blocks[title_index + 1 :]

    # The period: stated near the title, before the first section begins.
    first_heading = next((i for i, b in enumerate(blocks) if b.tag in HEADINGS), len(blocks))
    opening = "\n".join([title] + [b.text() for b in blocks[: min(first_heading, 6)]])
    start_date, end_date, interval = read_period(opening)
    if start_date is None:
        start_date, end_date, interval = read_period("\n".join(b.text() for b in blocks[:40]))

    sections: list[PlannedSection] = []
    part = Section.Part.AGREEMENT
    stack: list[tuple[int, PlannedSection]] = []  # open headings: their Word level and section
    current: PlannedSection | None = None

    def start_part_introduction(heading: str) -> PlannedSection:
        section = PlannedSection(part=part, depth=1, heading=heading)
        sections.append(section)
        return section

    in_contents = False
    for block in blocks:
        text = block.text()
        is_heading = block.tag in HEADINGS
        # The document's own table of contents: the PDF prints one with its own page numbers.
        if ("class", "toc") in block.attrs or CONTENTS.match(text):
            in_contents = True
            continue
        if in_contents and block.tag == "p" and CONTENTS_ENTRY.match(text):
            continue
        in_contents = False
        # Bilaga 1 begins at a heading, or a line of its own, reading "Bilaga 1" (with or without a title after it).
        if (
            part == Section.Part.AGREEMENT
            and (is_heading or (block.tag == "p" and len(text) <= 120 and "\n" not in text))
            and APPENDIX.match(text)
        ):
            part = Section.Part.APPENDIX
            stack, current = [], None
            rest = _clean_heading(APPENDIX.sub("", text, count=1))
            if rest:
                current = start_part_introduction(rest[:200])
            continue
        if is_heading and text:
            level = HEADINGS[block.tag]
            while stack and stack[-1][0] >= level:
                stack.pop()
            depth = len(stack) + 1
            if depth > MAX_SECTION_DEPTH:
                # Deeper than sections go: the heading stays a heading within its section's text.
                target = stack[-1][1]
                target.blocks.append(Node("h4", children=[_clean_heading(text)]))
                continue
            heading = _clean_heading(text)
            section = PlannedSection(part=part, depth=depth, heading=heading[:200])
            if len(heading) > 200:
                section.blocks.append(Node("p", children=[heading]))
            sections.append(section)
            stack.append((level, section))
            current = section
            continue
        if current is None:
            if not text and block.tag != "table" and not block.find_all("img"):
                continue
            current = start_part_introduction(_("Introduction"))
            kept_as_text.append(
                _("Text before the first heading, as the section “%(heading)s”") % {"heading": current.heading}
            )
        current.blocks.append(block)

    signing_place, signing_date = _take_signing_place(sections)
    signatories = _take_signatories(sections)
    copies = _take_copies(sections)
    forums, forums_section = _take_forums(sections)
    positions = {id(section): index for index, section in enumerate(sections)}
    kind = _kind(title, root.text())
    focus_areas = _take_activity_tables(sections, positions)
    _take_commitments(sections, focus_areas, kept_as_text)
    images = list(images or [])
    _place_images(sections, focus_areas, images)
    for section in sections:
        for block in section.blocks:
            if block.tag == "table":
                kept_as_text.append(
                    _("A table in “%(heading)s”, kept as a table in its text") % {"heading": section.heading}
                )
    _number(sections)
    return ImportPlan(
        title=title[:200],
        start_date=start_date,
        end_date=end_date,
        revision_interval_years=interval,
        sections=sections,
        focus_areas=focus_areas,
        signatories=signatories,
        images=images,
        forums=forums,
        forums_in_appendix=forums_section is not None and forums_section.part == Section.Part.APPENDIX,
        forums_section=forums_section,
        copies=copies,
        kind=kind,
        signing_place=signing_place,
        signing_date=signing_date,
        kept_as_text=kept_as_text,
        warnings=list(warnings or []),
    )


def _children(sections: list[PlannedSection], parent: PlannedSection) -> list[PlannedSection]:
    index = sections.index(parent)
    children = []
    for section in sections[index + 1 :]:
        if section.part != parent.part or section.depth <= parent.depth:
            break
        children.append(section)
    return children


def _parent(sections: list[PlannedSection], child: PlannedSection) -> PlannedSection | None:
    index = sections.index(child)
    for section in reversed(sections[:index]):
        if section.part != child.part:
            return None
        if section.depth < child.depth:
            return section
    return None


def _take_activity_tables(sections: list[PlannedSection], positions: dict[int, int]) -> list[PlannedFocusArea]:
    """Every activity table becomes a focus area. A section that is nothing but its heading, some text and one activity
    table is that focus area, shown where the section stood, under its parent section (one at the top of the
    agreement's part at the end of Bilaga 1, listed by name in the agreement: no empty heading is left behind); other
    tables are named after the short line right above them or else the nearest heading before them, and shown under
    the section they stand in."""
    focus_areas: list[PlannedFocusArea] = []
    for section in list(sections):
        tables = [(i, rows) for i, b in enumerate(section.blocks) if b.tag == "table" and (rows := activity_rows(b))]
        if not tables:
            continue
        has_inner_headings = any(b.tag in HEADINGS for b in section.blocks)
        if len(tables) == 1 and not _children(sections, section) and not has_inner_headings:
            index, rows = tables[0]
            focus_areas.append(
                PlannedFocusArea(
                    title=section.heading,
                    placement=_parent(sections, section),
                    rows=rows,
                    description_blocks=section.blocks[:index] + section.blocks[index + 1 :],
                    position=(positions[id(section)], index),
                )
            )
            sections.remove(section)
            continue
        kept: list[Node] = []
        for index, block in enumerate(section.blocks):
            rows = activity_rows(block) if block.tag == "table" else None
            if not rows:
                kept.append(block)
                continue
            heading_at = next((i for i in range(len(kept) - 1, -1, -1) if kept[i].tag in HEADINGS), None)
            if kept and _is_label(kept[-1]):  # "Misshandel" on a line of its own, right above its table
                heading_at = len(kept) - 1
            if heading_at is not None:
                title = kept[heading_at].text().replace("\n", " ")
                description = kept[heading_at + 1 :]
                del kept[heading_at:]
            else:
                title, description = section.heading, []
            focus_areas.append(
                PlannedFocusArea(
                    title=_clean_heading(title)[:200],
                    placement=section,
                    rows=rows,
                    description_blocks=description,
                    position=(positions[id(section)], index),
                )
            )
        section.blocks = kept
    return focus_areas


def _commitment(block: Node) -> PlannedCommitment | None:
    """The commitment a paragraph or list item is, if it begins with who commits ("Polisen förbinder sig att …");
    with nothing after "att" it is a lead-in to the items below it."""
    match = COMMITMENT.match(" ".join(block.text().split()))
    if match is None or NOT_WHO.match(match["who"]):
        return None
    return PlannedCommitment(who=match["who"], text=match["text"].strip(), joint=bool(match["joint"]))


def _commitments_in(blocks: list[Node]) -> tuple[list[PlannedCommitment], list[Node]]:
    """The commitments among the blocks (paragraphs of their own, a list whose every item is one, or the items of a
    list under a lead-in such as "Kommunen förbinder sig att:"), and the blocks that are left."""
    found: list[PlannedCommitment] = []
    kept: list[Node] = []
    lead_in: tuple[PlannedCommitment, Node] | None = None
    for block in blocks:
        items = [li for li in block if isinstance(li, Node) and li.tag == "li"] if block.tag in {"ul", "ol"} else []
        texts = [" ".join(li.text().split()) for li in items]
        if lead_in is not None:
            if items and all(texts):
                found += [PlannedCommitment(lead_in[0].who, text, lead_in[0].joint) for text in texts]
                lead_in = None
                continue
            kept.append(lead_in[1])  # a lead-in without its list stays text
            lead_in = None
        if items:
            commitments = [_commitment(li) for li in items]
            if all(c is not None and c.text for c in commitments):
                found += commitments
            else:
                kept.append(block)
            continue
        commitment = _commitment(block) if block.tag == "p" else None
        if commitment is None:
            kept.append(block)
        elif commitment.text:
            found.append(commitment)
        else:
            lead_in = (commitment, block)
    if lead_in is not None:
        kept.append(lead_in[1])
    return found, kept


def _written_at_the_end(blocks: list[Node]) -> tuple[list[PlannedCommitment], list[Node]]:
    """The commitments that end the blocks (paragraphs of their own, lists of them, lead-ins with their lists), and
    the blocks before them; ([], blocks) when commitments are not what the blocks end with."""
    for start, block in enumerate(blocks):
        if block.tag == "p" and _commitment(block) is None:
            continue
        if block.tag not in {"p", "ul", "ol"}:
            continue
        found, kept = _commitments_in(blocks[start:])
        if found and not kept:
            return found, blocks[:start]
    return [], blocks


def _take_commitments(sections: list[PlannedSection], focus_areas: list[PlannedFocusArea], notes: list[str]) -> None:
    """Commitments and promises written in the text become commitments: of the focus area made of an activity table
    they stand with, or else of the section they are written in, printed there in the order written (a citizen
    promise's promises under their purpose headings, say). In a section they are taken when they end its text, so
    that they print where they stood; written among other text, they stay text."""
    for focus_area in focus_areas:
        found, focus_area.description_blocks = _commitments_in(focus_area.description_blocks)
        focus_area.commitments += found
    for section in sections:
        section.commitments, section.blocks = _written_at_the_end(section.blocks)
        if not section.commitments and _commitments_in(section.blocks)[0]:
            notes.append(
                _("Commitments in “%(heading)s”, among other text, kept as text") % {"heading": section.heading}
            )


def _typed_headings(blocks: list[Node]) -> list[Node]:
    """In a document written without heading styles, a short paragraph of its own numbered as a heading is one
    ("2.1. Trygghetsvandringar" a second-level heading), and so is one set in bold, with more text after it: one
    level below the numbered heading before it, if any ("Bakgrund" in bold under "2. Syfte" a second-level one).
    With heading styles, the styles say what the headings are."""
    if any(block.tag in HEADINGS and ("class", "title") not in block.attrs for block in blocks):
        return blocks
    typed = []
    numbered_level = 0
    for index, block in enumerate(blocks):
        text = block.text()
        if block.tag == "p" and len(text) <= 100 and "\n" not in text and not text.endswith((".", ",", ";")):
            if number := TYPED_NUMBER.match(text):
                numbered_level = min(number.group(1).count(".") + 1, len(HEADINGS))
                block = Node(f"h{numbered_level}", children=[text])
            elif _is_bold(block) and index + 1 < len(blocks) and not _introduces(text):
                block = Node(f"h{min(numbered_level + 1, len(HEADINGS))}", children=[text.strip()])
        typed.append(block)
    return typed


def _is_bold(block: Node) -> bool:
    """Whether all of a paragraph's text is bold (mammoth writes Word's bold as <strong>; a bookmark as an empty
    <a>)."""
    texts = [child if isinstance(child, str) else child.text() for child in block]
    if not "".join(texts).strip():
        return False
    return all(
        not text.strip() or (isinstance(child, Node) and (child.tag == "strong" or _is_bold(child)))
        for child, text in zip(block, texts, strict=True)
    )


def _introduces(text: str) -> bool:
    """Whether a line introduces what follows rather than heading it: "Kommunen förbinder sig att", "Syftet är:"."""
    return text.rstrip().endswith(":") or bool(COMMITMENT.match(text.strip()))


def _is_label(block: Node) -> bool:
    """A short line of its own that names what follows, such as a focus area's name written above its table."""
    text = block.text()
    return block.tag == "p" and 0 < len(text) <= 100 and "\n" not in text and not text.endswith((".", ":", ","))


def _number(sections: list[PlannedSection]) -> None:
    counters: dict[str, list[int]] = {}
    for section in sections:
        counter = counters.setdefault(section.part, [])
        del counter[section.depth :]
        while len(counter) < section.depth:
            counter.append(0)
        counter[-1] += 1
        section.number = "".join(f"{n}." for n in counter)


# --- Reading the file ---------------------------------------------------------------------------------------------


def check_docx(data: bytes) -> None:
    """Refuse what is not a Word document by its content: a zip holding word/document.xml, not too large unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationError(_("The file is not a Word document (.docx)."), code="not_docx") from None
    if DOCUMENT_PART not in names:
        raise ValidationError(_("The file is not a Word document (.docx)."), code="not_docx")
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(_("The Word document is too large to read."), code="too_large")


def plan_from_docx(data: bytes) -> ImportPlan:
    """Read a .docx (checked with check_docx) as an import plan, with mammoth's warnings and its images."""
    images: list[PlannedImage] = []

    @mammoth.images.img_element
    def count_image(image) -> dict:
        with image.open() as stream:
            content = stream.read()
        try:
            extension, refusal = image_extension(ContentFile(content, name="bild")), ""
        except ValidationError as error:
            extension, refusal = None, " ".join(error.messages)
        alt_text = " ".join(FORBIDDEN_CHARACTERS.sub(" ", image.alt_text or "").split())
        images.append(PlannedImage(content=content, alt_text=alt_text, extension=extension, refusal=refusal))
        return {"src": f"figure:{len(images) - 1}"}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data), style_map=STYLE_MAP, convert_image=count_image, include_embedded_style_map=False
        )
    except Exception as error:  # a damaged file fails deep in the reader, in ways of its own
        raise ValidationError(_("The Word document could not be read."), code="unreadable") from error
    warnings = [message.message for message in result.messages]
    return plan_from_html(result.value, images=images, warnings=warnings)


def sweep_abandoned_imports() -> int:
    """Delete the uploads kept for a preview that were never confirmed within a day; the number deleted."""
    if not default_storage.exists(IMPORTS_FOLDER):
        return 0
    cutoff = timezone.now() - ABANDONED_AFTER
    deleted = 0
    for name in default_storage.listdir(IMPORTS_FOLDER)[1]:
        path = f"{IMPORTS_FOLDER}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            deleted += 1
    return deleted


# --- Creating the draft -------------------------------------------------------------------------------------------


def _party_for(signatory: PlannedSignatory, parties: list[Organisation], position: int) -> Organisation:
    """The party a signature block names ("För Trelleborgs kommun"), else the party in the same place in the order."""
    wanted = signatory.on_behalf_of.lower()
    if wanted:
        for party in parties:
            name = party.name.lower()
            if name in wanted or wanted in name:
                return party
        if "polis" in wanted:
            police = [party for party in parties if party.is_police]
            if police:
                return police[0]
        if "kommun" in wanted or "stad" in wanted:
            municipalities = [party for party in parties if party.kind == Organisation.Kind.MUNICIPALITY]
            if municipalities:
                return municipalities[0]
    return parties[min(position, len(parties) - 1)]


def _committed(commitment: PlannedCommitment, parties: list[Organisation]) -> list[Organisation]:
    """The parties a commitment names: "Parterna" (or a joint one naming no one) all of them; "Polisen och
    kommunen" each by its name, or as the police and the municipality. A name that matches no party is left out;
    when none matches, all the parties commit, for the editors to correct."""
    who = commitment.who.strip()
    if ALL_PARTIES.match(who):
        return list(parties)
    found: list[Organisation] = []
    for name in re.split(r"\s+och\s+|,\s*", who):
        wanted = name.lower()
        match = next((p for p in parties if wanted in p.name.lower() or p.name.lower() in wanted), None)
        if match is None and "polis" in wanted:
            match = next((p for p in parties if p.is_police), None)
        if match is None and ("kommun" in wanted or "stad" in wanted):
            match = next((p for p in parties if p.kind == Organisation.Kind.MUNICIPALITY), None)
        if match is not None and match not in found:
            found.append(match)
    return found or list(parties)


def _create_commitments(
    planned: list[PlannedCommitment], *, agreement: Agreement, parties: list[Organisation], **place: object
) -> None:
    """The commitments, in the order written, of the focus area or section (`place`) they were written in."""
    for order, planned_commitment in enumerate(planned):
        commitment = Commitment(agreement=agreement, text=planned_commitment.text, order=order, **place)
        commitment.full_clean()
        commitment.save()
        commitment.parties.set(_committed(planned_commitment, parties))


@transaction.atomic
def agreement_import_docx(
    *, plan: ImportPlan, parties: list[Organisation], title: str = "", creation_key: uuid.UUID | None = None
) -> Agreement:
    """Create the plan as a draft agreement between the parties, in their order; with a creation_key, once however
    often it is asked (IntegrityError the second time). A period the file did not state becomes this year and the
    three after it, to be corrected on the agreement's form."""
    start, end, interval = plan.start_date, plan.end_date, plan.revision_interval_years
    if start is None:
        this_year = date.today().year
        start, end, interval = date(this_year, 1, 1), date(this_year + 3, 12, 31), None
    agreement = Agreement(
        title=(title or plan.title or _("Imported agreement"))[:200],
        start_date=start,
        end_date=end,
        revision_interval_years=interval if end is None else None,
        creation_key=creation_key,
        kind=plan.kind,
        signing_place=plan.signing_place,
        signing_date=plan.signing_date,
        forums_in_appendix=plan.forums_in_appendix,
        **({"copies": plan.copies} if plan.copies else {}),
    )
    agreement.full_clean(validate_unique=False)  # a creation_key used before is the database's to refuse
    agreement.save()
    for order, organisation in enumerate(parties):
        Party.objects.create(agreement=agreement, organisation=organisation, order=order)

    created: dict[int, Section] = {}
    orders: dict[tuple[str, int | None], int] = {}
    parents: list[Section] = []
    for planned in plan.sections:
        del parents[planned.depth - 1 :]
        parent = parents[-1] if parents and parents[-1].part == planned.part else None
        key = (planned.part, parent.pk if parent else None)
        orders[key] = orders.get(key, -1) + 1
        section = Section(
            agreement=agreement,
            part=planned.part,
            parent=parent,
            heading=planned.heading or _("Section"),
            body=planned.body,
            order=orders[key],
        )
        section.full_clean()
        section.save()
        created[id(planned)] = section
        parents.append(section)
        _create_commitments(planned.commitments, agreement=agreement, parties=parties, placement=section)
    if plan.forums_section is not None:
        # The forums print in the section they were written in, which the layout names by its key.
        forums_section = str(created[id(plan.forums_section)].key)
        agreement.layout = [
            {"block": block.name, "heading": str(block.heading), "shown": True}
            | ({"section": forums_section} if block.name == "forums" else {})
            for block in main_blocks([])
        ]
        agreement.save(update_fields=["layout"])

    for order, planned in enumerate(plan.focus_areas):
        focus_area = FocusArea(
            agreement=agreement,
            title=planned.title or _("Focus area"),
            description=planned.description,
            placement=created.get(id(planned.placement)) if planned.placement else None,
            order=order,
        )
        focus_area.full_clean()
        focus_area.save()
        for row_order, (activity, measure, follow_up, goal_effect) in enumerate(planned.rows):
            row = ActivityRow(
                focus_area=focus_area,
                activity=activity or "–",
                measure=measure,
                follow_up=follow_up,
                goal_effect=goal_effect,
                order=row_order,
            )
            row.full_clean()
            row.save()
        _create_commitments(planned.commitments, agreement=agreement, parties=parties, focus_area=focus_area)

    for order, planned in enumerate(plan.figures):
        figure = Figure(
            section=created[id(planned.section)],
            image=ContentFile(planned.content, name=f"bild.{planned.extension}"),
            alt_text=planned.figure_alt_text,
            order=order,
        )
        figure.full_clean()
        figure.save()

    for order, planned in enumerate(plan.forums):
        forum = CooperationForum(
            agreement=agreement,
            name=planned.name,
            participants=planned.participants,
            meeting_frequency=planned.meeting_frequency,
            order=order,
        )
        forum.full_clean()
        forum.save()

    for order, planned in enumerate(plan.signatories):
        signatory = Signatory(
            agreement=agreement,
            party=_party_for(planned, parties, order),
            name=planned.name,
            title=planned.title,
            order=order,
        )
        signatory.full_clean()
        signatory.save()
    return agreement
