"""How faithfully a Word file the product has never seen comes in and prints.

Each sample document is written here with python-docx in one of the shapes other municipalities use (DOMAIN.md),
and carries a manifest of its elements (title, period, parties, headings with level and part, lists, tables,
activity rows, commitments, signatories, copies clause, images, place and date of signing, forums). It is imported
as the upload does (the plan, then the draft), printed as a draft PDF by the product's renderer, and every element is
classified:

- held fully: in the right structure in the data, and printed in the PDF in the document's order;
- partly: its words are printed, but its structure is lost (a heading kept as text, a list flattened, a commitment
  left in prose) or it is printed out of order;
- lost: its words are not printed.

The words are compared as letters and digits only, in lower case, so that hyphenation, line breaks and the product's
own numbering do not count; "in order" is the longest run of elements found one after another in the PDF's text.
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Inches
from pypdf import PdfReader

from agreements.models import Agreement, Figure, Organisation, Section, number_sections
from documents.pdf import agreement_pdf
from documents.wordimport import Node, agreement_import_docx, check_docx, parse_html, plan_from_docx
from focusareas.models import ActivityRow, Commitment, FocusArea

FULL, PARTLY, LOST = "held fully", "partly", "lost"
VERDICTS = (FULL, PARTLY, LOST)
MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december".split()  # noqa: SIM905
)
NUMBER_WORDS = ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio")
# Elements whose place in the PDF cannot be read from its text, or that have no place in the file: they are checked as
# present, not as in order. The kind of document is written nowhere in the file (the import infers it), and the
# product prints it as the cover's label above the title, whose words it shares.
UNORDERED = {"image", "kind"}
# Occurrences of an element's first words considered when looking for it in the PDF (a short heading recurs).
MAX_OCCURRENCES = 50


def letters(text: str) -> str:
    """The text as the comparison sees it: letters and digits only, in lower case."""
    return re.sub(r"[\W_]+", "", text.lower())


def _spaces(text: str) -> str:
    return " ".join(text.split())


def long_date(day: date) -> str:
    """A date as the PDF's cover prints it (j F Y in Swedish)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# --- The manifest ----------------------------------------------------------------------------------------------


@dataclass
class Element:
    """One element of a sample document: what it is, how the report names it, the words a reader must find in the
    PDF (alternatives, each a sequence of fragments in order) and what the data must hold for its structure."""

    kind: str
    label: str
    printed_as: list[tuple[str, ...]]
    expect: dict[str, Any] = field(default_factory=dict)


@dataclass
class Sample:
    """A sample document: its name, the shape it stands for, its parties and the .docx with its manifest."""

    name: str
    shape: str
    parties: list[tuple[str, str]]  # (name, Organisation.Kind), in the order the upload would list them
    docx: bytes
    elements: list[Element]


def _png(width: int = 40, height: int = 24) -> bytes:
    """A small opaque PNG, standing for a figure pasted into the document."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\0" + bytes((30, 90, 160)) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _second_list_level(document: Any) -> None:
    """Give each list definition of python-docx's template a second level, as Word's own have nine: its template
    defines only the first, and an item indented with Tab refers to the second."""
    for definition in document.part.numbering_part.element.findall(qn("w:abstractNum")):
        levels = definition.findall(qn("w:lvl"))
        if len(levels) != 1:
            continue
        second = copy.deepcopy(levels[0])
        second.set(qn("w:ilvl"), "1")
        for style in second.findall(qn("w:pStyle")):  # the style names the first level only
            second.remove(style)
        for indent in second.iter(qn("w:ind")):
            indent.set(qn("w:left"), str(int(indent.get(qn("w:left"), "360")) + 360))
        levels[0].addnext(second)


class Writer:
    """Writes a sample document with python-docx and its manifest at the same time, so the two cannot disagree."""

    def __init__(self, *, heading_styles: bool = True) -> None:
        self.document = Document()
        _second_list_level(self.document)
        self.elements: list[Element] = []
        self.heading_styles = heading_styles
        self.part = Section.Part.AGREEMENT
        self.numbers: list[int] = []
        self.images = 0

    def add(self, kind: str, label: str, *printed_as: tuple[str, ...], **expect: Any) -> None:
        self.elements.append(Element(kind, label, list(printed_as), expect))

    def title(self, text: str) -> None:
        if self.heading_styles:
            self.document.add_heading(text, level=0)
        else:
            self.document.add_paragraph(text).runs[0].bold = True
        self.add("title", text, (text,), text=text)

    def period(self, text: str, start: date, end: date | None, every: int | None = None) -> None:
        self.document.add_paragraph(text)
        shown = (long_date(start), long_date(end)) if end else (long_date(start), "tills vidare")
        self.add("period", text, shown, (text,), start=start, end=end, every=every)

    def parties(self, names: Iterable[str]) -> None:
        for name in names:
            self.add("party", name, (name,), name=name)

    def heading(self, text: str, level: int = 1) -> None:
        """A heading of the current part; without heading styles it is a numbered line of its own ("2.1 Ansvar")."""
        del self.numbers[level:]
        while len(self.numbers) < level:
            self.numbers.append(0)
        self.numbers[-1] += 1
        if self.heading_styles:
            self.document.add_heading(text, level=level)
        else:
            number = ".".join(str(n) for n in self.numbers) + ("." if level == 1 else "")
            self.document.add_paragraph(f"{number} {text}")
        self.add("heading", f"{text} (level {level}, {self.part})", (text,), text=text, level=level, part=self.part)

    def appendix(self, heading: str = "Bilaga 1") -> None:
        """Bilaga 1 begins: a line of its own, not an element (the PDF prints its own)."""
        if self.heading_styles:
            self.document.add_heading(heading, level=1)
        else:
            self.document.add_paragraph(heading)
        self.part = Section.Part.APPENDIX
        self.numbers = []

    def paragraph(self, text: str) -> None:
        self.document.add_paragraph(text)
        self.add("paragraph", text[:60], (text,), text=text)

    def items(self, items: list[str | list[str]], *, ordered: bool = False, nested_by: str = "indent") -> None:
        """A list; an item that is itself a list is nested under the item before it, indented as Word's Tab key does
        (`nested_by="indent"`: the same list one level in) or with Word's second-level list style ("style")."""
        style = "List Number" if ordered else "List Bullet"
        top = [item for item in items if isinstance(item, str)]
        self.add(
            "list",
            f"{'numbered' if ordered else 'bullet'} list of {len(top)} ({top[0][:30]} …)",
            tuple(self._flat(items)),
            items=top,
            ordered=ordered,
            under="",
        )
        previous = ""
        for item in items:
            if isinstance(item, str):
                self.document.add_paragraph(item, style=style)
                previous = item
                continue
            for inner in item:
                if nested_by == "style":
                    self.document.add_paragraph(inner, style=f"{style} 2")
                else:
                    self._indent(self.document.add_paragraph(inner, style=style))
            self.add(
                "list",
                f"nested list of {len(item)} under “{previous[:30]}” (by {nested_by})",
                tuple(item),
                items=item,
                ordered=ordered,
                under=previous,
            )

    @staticmethod
    def _indent(paragraph: Any) -> None:
        """One level in, in the list of the paragraph's style (what Tab does in a list in Word)."""
        style_numbering = paragraph.style.element.pPr.numPr
        numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numbering.get_or_add_ilvl().val = 1
        numbering.get_or_add_numId().val = style_numbering.numId.val

    @staticmethod
    def _flat(items: list[str | list[str]]) -> list[str]:
        return [inner for item in items for inner in ([item] if isinstance(item, str) else item)]

    def table(self, rows: list[list[str]], label: str) -> None:
        table = self.document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        self.add("table", label, tuple(cell for row in rows for cell in row), rows=rows)

    def activity_table(self, focus_area: str, rows: list[tuple[str, str, str, str]], *, level: int = 2) -> None:
        """A focus area as its heading and a table Aktivitet | Åtgärd | Uppföljning | Mål/Effekt."""
        self.heading(focus_area, level)
        self.elements[-1].kind = "focus area"
        self.elements[-1].expect["rows"] = len(rows)
        table = self.document.add_table(rows=len(rows) + 1, cols=4)
        table.style = "Table Grid"
        for c, text in enumerate(("Aktivitet", "Åtgärd", "Uppföljning", "Mål/Effekt")):
            table.cell(0, c).text = text
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row):
                lines = text.split("\n")
                cell = table.cell(r, c)
                cell.paragraphs[0].text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
            self.add(
                "activity row",
                f"{focus_area}: {row[0][:40]}",
                tuple(line for cell in row for line in cell.split("\n")),
                focus_area=focus_area,
                cells=row,
            )

    def commitment(self, party: str, opening: str, text: str, *, bullet: bool = False) -> None:
        """A commitment or a promise: a paragraph of its own opening with who and the verb ("Polisen förbinder sig
        att", "Kommunen lovar att"), or an item under a lead-in that says it. `party` names the organisation, or
        several joined by " + " for a joint one."""
        if bullet:
            self.document.add_paragraph(text[0].upper() + text[1:], style="List Bullet")
        else:
            self.document.add_paragraph(f"{opening} {text}")
        label = f"{opening or party}: {text[:50]}"
        self.add("commitment", label, (text,), parties=party.split(" + "), text=text)

    def lead_in(self, text: str) -> None:
        """A line that introduces the commitments under it ("Kommunen förbinder sig att:"): not an element."""
        self.document.add_paragraph(text)

    def forum(self, name: str, description: str) -> None:
        self.document.add_paragraph(f"{name}: {description}")
        self.add("forum", name, (name,), name=name)

    def image(self, alt: str, caption: str = "") -> None:
        picture = self.document.add_picture(io.BytesIO(_png()), width=Inches(3))
        picture._inline.docPr.set("descr", alt)
        self.images += 1
        self.add("image", alt, (), number=self.images, alt=alt)
        if caption:
            self.paragraph(caption)

    def copies(self, text: str, count: int) -> None:
        self.document.add_paragraph(text)
        self.add("copies", text[:60], (f"{NUMBER_WORDS[count]} exemplar",), (text,), count=count)

    def signing(self, place: str, day: date) -> None:
        """The place and date of signing as a line of their own ("Älvhamn den 10 december 2024")."""
        self.document.add_paragraph(f"{place} den {long_date(day)}")
        self.add("signing", f"{place} {day}", (place,), place=place, day=day)

    def signatures(
        self, blocks: list[tuple[str, str, str]], *, as_table: bool = False, place_row: bool = False
    ) -> None:
        """Signature blocks (party, name, title): paragraphs one after another, or side by side in a table."""
        if as_table:
            table = self.document.add_table(rows=4 if place_row else 3, cols=len(blocks))
            for c, (party, name, title) in enumerate(blocks):
                lines = (["Ort och datum"] if place_row else []) + [f"För {party}", name, title]
                for r, text in enumerate(lines):
                    table.cell(r, c).text = text
        else:
            for party, name, title in blocks:
                self.document.add_paragraph(f"För {party}")
                self.document.add_paragraph("")
                self.document.add_paragraph("…………………………………")
                self.document.add_paragraph(name)
                self.document.add_paragraph(title)
        for party, name, title in blocks:
            self.add("signatory", f"{name}, {title}", (name, title), party=party, name=name, title=title)

    def docx(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


# --- The samples ------------------------------------------------------------------------------------------------
# Written for this measure, in the shapes DOMAIN.md lists; the places and people are made up.

ALVHAMN, ALVHAMN_POLICE = "Älvhamns kommun", "Lokalpolisområde Älvhamn"


def activity_tables() -> Sample:
    """An agreement with its focus areas as activity tables in Bilaga 1, signatures as paragraphs."""
    w = Writer()
    w.title("Samverkansöverenskommelse Älvhamn 2025–2028")
    w.period("Överenskommelsen gäller från 2025-01-01 till 2028-12-31.", date(2025, 1, 1), date(2028, 12, 31))
    w.parties([ALVHAMN, ALVHAMN_POLICE])
    w.heading("Parter")
    w.paragraph("Överenskommelsen sluts mellan Älvhamns kommun och lokalpolisområde Älvhamn.")
    w.heading("Syfte")
    w.paragraph("Syftet är att parterna tillsammans ska minska brottsligheten och öka tryggheten i hela kommunen.")
    w.heading("Övergripande mål")
    w.items(["Färre anmälda våldsbrott i centrum", "Fler invånare som känner sig trygga", "Färre unga som rekryteras"])
    w.heading("Uppföljning")
    w.paragraph("Överenskommelsen följs upp varje år och redovisas för kommunstyrelsen och polisens ledningsgrupp.")
    w.heading("Underskrifter")
    w.copies("Överenskommelsen har upprättats i två likalydande exemplar, av vilka parterna tagit var sitt.", 2)
    w.signing("Älvhamn", date(2024, 12, 10))
    w.signatures(
        [
            (ALVHAMN, "Karin Sjöberg", "Kommunstyrelsens ordförande"),
            (ALVHAMN_POLICE, "Johan Ek", "Lokalpolisområdeschef"),
        ]
    )
    w.appendix()
    w.heading("Bakgrund")
    w.paragraph("Kommunen och polisen har arbetat tillsammans sedan 2016 och förnyar nu sin överenskommelse.")
    w.heading("Fokusområden")
    w.paragraph("Parterna har valt två fokusområden utifrån den gemensamma lägesbilden.")
    w.activity_table(
        "Trygghet i centrum",
        [
            ("Trygghetsvandringar", "Gå runt med boende och handlare", "Antal vandringar", "Färre otrygga platser"),
            ("Belysning", "Byta trasig belysning i parkerna", "Felanmälningar", "Ökad trygghet på kvällen"),
        ],
    )
    w.activity_table(
        "Unga i riskzon",
        [
            ("Fältarbete\nHelgkvällar", "Fältassistenter ute fredag och lördag", "Kontakter per kväll", "Färre brott"),
            ("Orosanmälningar", "Snabb återkoppling till skolan", "Handläggningstid", "Tidigare insatser"),
        ],
    )
    w.heading("Uppföljning och utvärdering")
    w.paragraph("Aktiviteterna följs upp i EST varje vecka och sammanfattas i en årlig rapport.")
    return Sample(
        "activity-tables", "activity tables in Bilaga 1", _parties(ALVHAMN, ALVHAMN_POLICE), w.docx(), w.elements
    )


NORRBACKA, NORRBACKA_POLICE = "Norrbacka kommun", "Lokalpolisområde Norrbacka"


def commitments_in_prose() -> Sample:
    """An agreement written in prose, with commitments per party, joint ones and a signature table."""
    w = Writer()
    w.title("Samverkansöverenskommelse mellan Norrbacka kommun och polisen")
    w.period("Överenskommelsen gäller från 1 mars 2024 till 28 februari 2027.", date(2024, 3, 1), date(2027, 2, 28))
    w.parties([NORRBACKA, NORRBACKA_POLICE])
    w.heading("Inledning")
    w.paragraph("Norrbacka växer, och med fler invånare kommer nya frågor om trygghet i bostadsområdena.")
    w.heading("Parternas åtaganden")
    w.commitment(NORRBACKA_POLICE, "Polisen förbinder sig att", "genomföra minst fyra trafikinsatser under året")
    w.commitment(NORRBACKA_POLICE, "Polisen förbinder sig att", "delta i skolornas föräldramöten varje höst")
    w.lead_in("Norrbacka kommun förbinder sig att:")
    w.commitment(NORRBACKA, "", "erbjuda sommarjobb till minst 200 ungdomar", bullet=True)
    w.commitment(NORRBACKA, "", "åtgärda klotter inom 48 timmar", bullet=True)
    w.commitment(
        f"{NORRBACKA} + {NORRBACKA_POLICE}",
        "Parterna förbinder sig gemensamt att",
        "träffas i styrgruppen fyra gånger per år",
    )
    w.heading("Uppföljning")
    w.paragraph("Åtagandena följs upp i styrgruppen och redovisas årligen för kommunstyrelsen.")
    w.copies("Denna överenskommelse har upprättats i två exemplar.", 2)
    w.signatures(
        [
            (NORRBACKA, "Lena Holm", "Kommundirektör"),
            (NORRBACKA_POLICE, "Ali Hassan", "Lokalpolisområdeschef"),
        ],
        as_table=True,
    )
    w.appendix()
    w.heading("Fokusområden")
    w.heading("Narkotika", 2)
    w.paragraph("Narkotikan syns allt mer bland unga, särskilt kring skolorna och i centrum.")
    w.heading("Trafik", 2)
    w.paragraph("Buskörning med moped i bostadsområdena är det invånarna oftast tar upp.")
    w.commitment(NORRBACKA_POLICE, "Polisen förbinder sig att", "kontrollera mopeder vid skolorna varje vår")
    return Sample(
        "commitments-in-prose",
        "prose with commitments per party",
        _parties(NORRBACKA, NORRBACKA_POLICE),
        w.docx(),
        w.elements,
    )


LJUSDAL, LJUSDAL_POLICE, LJUSGARDEN = "Ljusdalens kommun", "Lokalpolisområde Ljusdalen", "Bostadsbolaget Ljusgården AB"


def three_parties() -> Sample:
    """An agreement until further notice between a municipality, the police and a housing company."""
    w = Writer()
    w.title("Överenskommelse om trygghet i Ljusdalens bostadsområden")
    w.period(
        "Överenskommelsen gäller från 2025-04-01 tills vidare och revideras vart tredje år.",
        date(2025, 4, 1),
        None,
        3,
    )
    w.parties([LJUSDAL, LJUSDAL_POLICE, LJUSGARDEN])
    w.heading("Parter")
    w.paragraph("Parterna är Ljusdalens kommun, lokalpolisområde Ljusdalen och Bostadsbolaget Ljusgården AB.")
    w.heading("Syfte")
    w.paragraph("Att boende i Ljusgårdens områden ska känna sig trygga i trapphus, på gårdar och i parkeringshus.")
    w.heading("Åtaganden")
    w.commitment(LJUSGARDEN, "Ljusgården förbinder sig att", "laga trasig belysning inom en vecka")
    w.commitment(LJUSDAL, "Kommunen förbinder sig att", "samordna trygghetsvandringar två gånger per år")
    w.commitment(LJUSDAL_POLICE, "Polisen förbinder sig att", "dela lägesbilden med bolaget varje månad")
    w.heading("Aktiviteter")
    w.activity_table(
        "Trygga gårdar",
        [
            ("Gårdsvärdar", "Värdar på kvällstid", "Rapport i EST", "Färre ordningsstörningar"),
            ("Grannsamverkan", "Starta i två områden", "Antal områden", "Färre inbrott"),
        ],
    )
    w.heading("Underskrifter")
    w.copies("Överenskommelsen har upprättats i tre exemplar.", 3)
    w.signing("Ljusdalen", date(2025, 3, 20))
    w.signatures(
        [
            (LJUSDAL, "Eva Lund", "Kommundirektör"),
            (LJUSDAL_POLICE, "Per Berg", "Lokalpolisområdeschef"),
            (LJUSGARDEN, "Sara Nyström", "Verkställande direktör"),
        ]
    )
    return Sample(
        "three-parties",
        "three parties, a housing company among them",
        _parties(LJUSDAL, LJUSDAL_POLICE, other=LJUSGARDEN),
        w.docx(),
        w.elements,
    )


SJOVIK, SJOVIK_POLICE = "Sjöviks kommun", "Lokalpolisområde Sjövik"


def citizen_promise() -> Sample:
    """A medborgarlöfte: promises ("lovar att") under purpose headings, no signatures."""
    w = Writer()
    w.title("Medborgarlöfte för Sjövik 2025")
    w.add(
        "kind", "kind of document: citizen promise", ("Medborgarlöfte",), document_kind=Agreement.Kind.CITIZEN_PROMISE
    )
    w.period("Löftet gäller från 2025-01-01 till 2025-12-31.", date(2025, 1, 1), date(2025, 12, 31))
    w.parties([SJOVIK, SJOVIK_POLICE])
    w.heading("Varför ett medborgarlöfte")
    w.paragraph("I dialoger med invånarna kom hastigheten på Storgatan och otryggheten vid stationen upp oftast.")
    w.heading("Säkrare trafik på Storgatan")
    w.commitment(SJOVIK_POLICE, "Polisen lovar att", "göra minst sex hastighetskontroller på Storgatan")
    w.commitment(SJOVIK, "Kommunen lovar att", "sätta upp två farthinder före sommaren")
    w.heading("Tryggare kvällar vid stationen")
    w.commitment(
        f"{SJOVIK} + {SJOVIK_POLICE}",
        "Polisen och kommunen lovar tillsammans att",
        "vandra vid stationen en kväll i månaden",
    )
    w.commitment(SJOVIK, "Kommunen lovar att", "ha öppet på fritidsgården till klockan 22 på fredagar")
    w.heading("Så följer vi upp")
    w.paragraph("Löftena följs upp efter halva året och vid årets slut, och resultatet publiceras på webben.")
    return Sample(
        "citizen-promise", "medborgarlöfte without signatures", _parties(SJOVIK, SJOVIK_POLICE), w.docx(), w.elements
    )


BERGA, BERGA_POLICE = "Berga kommun", "Lokalpolisområde Berga"


def without_heading_styles() -> Sample:
    """An agreement typed without heading styles: numbered lines as headings, forums and a "Beslut" heading."""
    w = Writer(heading_styles=False)
    w.title("Samverkansöverenskommelse Berga 2024–2026")
    w.period("Gäller 2024-01-01 – 2026-12-31.", date(2024, 1, 1), date(2026, 12, 31))
    w.parties([BERGA, BERGA_POLICE])
    w.heading("Syfte")
    w.paragraph("Överenskommelsen ska göra det brottsförebyggande arbetet i Berga långsiktigt och gemensamt.")
    w.heading("Bakgrund")
    w.heading("Lägesbild", 2)
    w.paragraph("Trygghetsmätningen visar att problemen med narkotika och nedskräpning har ökat i Berga centrum.")
    w.heading("Ansvar", 2)
    w.paragraph("Varje part ansvarar för sina egna åtaganden och för att rapportera dem i tid.")
    w.heading("Samverkansforum")
    w.forum("Styrgrupp", "kommundirektören och lokalpolisområdeschefen, fyra gånger per år")
    w.forum("Operativ grupp", "säkerhetssamordnaren och kommunpolisen, varje vecka")
    w.heading("Beslut")
    w.paragraph("Kommunstyrelsen beslutade om överenskommelsen den 5 december 2023.")
    w.copies("Överenskommelsen har upprättats i två exemplar.", 2)
    w.signing("Berga", date(2023, 12, 12))
    w.signatures(
        [
            (BERGA, "Maria Engström", "Kommunstyrelsens ordförande"),
            (BERGA_POLICE, "Tomas Wik", "Lokalpolisområdeschef"),
        ]
    )
    return Sample(
        "without-heading-styles",
        "numbered lines, no heading styles, forums, Beslut",
        _parties(BERGA, BERGA_POLICE),
        w.docx(),
        w.elements,
    )


ASBY, ASBY_POLICE = "Åsby kommun", "Lokalpolisområde Åsby"


def lists_figure_and_tables() -> Sample:
    """An agreement with nested lists, a figure, a table of figures and a signature table."""
    w = Writer()
    w.title("Samverkansöverenskommelse Åsby 2025–2027")
    w.period("Överenskommelsen gäller 2025-01-01 – 2027-12-31.", date(2025, 1, 1), date(2027, 12, 31))
    w.parties([ASBY, ASBY_POLICE])
    w.heading("Syfte och mål")
    w.paragraph("Parterna vill minska brotten och öka tryggheten, med tyngdpunkt på tre områden.")
    w.items(
        [
            "Trygga offentliga miljöer",
            ["Centrum", "Stationsområdet"],
            "Barn och unga",
            "Våld i nära relationer",
        ]
    )
    w.heading("Arbetssätt")
    w.paragraph("Arbetet följer SARA-modellens steg.")
    w.items(
        ["Kartläggning", "Analys", ["Orsaker", "Platser och tider"], "Åtgärder", "Uppföljning"],
        ordered=True,
        nested_by="style",
    )
    w.image("Cirkel med SARA-modellens fyra steg", "Figur 1. SARA-modellen.")
    w.heading("Lägesbild")
    w.paragraph("Anmälda brott per år i Åsby:")
    w.table(
        [["År", "Våldsbrott", "Skadegörelse"], ["2022", "312", "540"], ["2023", "298", "505"]],
        "table of reported crimes, 3 rows",
    )
    w.heading("Underskrifter")
    w.copies("Överenskommelsen har upprättats i två exemplar.", 2)
    w.signatures(
        [
            (ASBY, "Nils Åkesson", "Kommunstyrelsens ordförande"),
            (ASBY_POLICE, "Hanna Lind", "Lokalpolisområdeschef"),
        ],
        as_table=True,
        place_row=True,
    )
    return Sample(
        "lists-figure-tables",
        "nested lists, a figure, a table, a signature table",
        _parties(ASBY, ASBY_POLICE),
        w.docx(),
        w.elements,
    )


SAMPLES: tuple[Callable[[], Sample], ...] = (
    activity_tables,
    commitments_in_prose,
    three_parties,
    citizen_promise,
    without_heading_styles,
    lists_figure_and_tables,
)


def _parties(municipality: str, police: str, *, other: str = "") -> list[tuple[str, str]]:
    parties = [(municipality, Organisation.Kind.MUNICIPALITY), (police, Organisation.Kind.POLICE_AREA)]
    return parties + ([(other, Organisation.Kind.OTHER)] if other else [])


# --- Importing and printing ----------------------------------------------------------------------------------


def import_sample(sample: Sample) -> Agreement:
    """The sample brought in as the upload does: checked, planned (the preview), then created as a draft."""
    organisations = [
        Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0] for name, kind in sample.parties
    ]
    check_docx(sample.docx)
    plan = plan_from_docx(sample.docx)
    return agreement_import_docx(plan=plan, parties=organisations)


def pdf_text(pdf: bytes) -> tuple[str, int]:
    """The PDF's text in reading order, and how many images it shows."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    images = sum(len(page.images) for page in reader.pages)
    return text, images


# --- What the data holds ----------------------------------------------------------------------------------------


@dataclass
class Held:
    """The imported draft read once: its sections with depth, focus areas with rows, commitments, signatories,
    forums, its rich text parsed, and all its words."""

    agreement: Agreement
    sections: list[tuple[str, str, int]]  # (part, heading, depth)
    focus_areas: dict[str, list[ActivityRow]]
    commitments: list[tuple[str, set[str]]]
    signatories: list[tuple[str, str, str]]
    forums: list[str]
    rich_text: list[Node]
    words: str
    figures: list[str] = field(default_factory=list)  # the alternative texts of the sections' figures

    @classmethod
    def read(cls, agreement: Agreement) -> Held:
        sections = list(agreement.sections.all())
        numbered = [
            (part, n.heading, n.depth)
            for part in Section.Part.values
            for n in number_sections([s for s in sections if s.part == part])
        ]
        focus_areas = {
            area.title: list(area.rows.all())
            for area in FocusArea.objects.filter(agreement=agreement).prefetch_related("rows")
        }
        commitments = [
            (c.text, {p.name for p in c.parties.all()})
            for c in Commitment.objects.filter(agreement=agreement).prefetch_related("parties")
        ]
        signatories = [(s.party.name, s.name, s.title) for s in agreement.signatories.select_related("party")]
        forums = [f.name for f in agreement.forums.all()]
        html = [s.body for s in sections] + [f.description for f in FocusArea.objects.filter(agreement=agreement)]
        plain = [
            agreement.title,
            agreement.purpose,
            agreement.overall_goals,
            agreement.standing_commitments,
            agreement.follow_up,
            agreement.signing_place,
            *(s.heading for s in sections),
            *focus_areas,
            *(f"{r.activity} {r.measure} {r.follow_up} {r.goal_effect}" for rows in focus_areas.values() for r in rows),
            *(text for text, _ in commitments),
            *(f"{name} {title}" for _, name, title in signatories),
            *forums,
        ]
        rich_text = [parse_html(body) for body in html]
        words = letters(" ".join(plain + [node.text() for node in rich_text]))
        figures = list(Figure.objects.filter(section__agreement=agreement).values_list("alt_text", flat=True))
        return cls(agreement, numbered, focus_areas, commitments, signatories, forums, rich_text, words, figures)

    def lists(self) -> list[tuple[Node, Node | None]]:
        """Every list in the rich text, with the list item it is nested in (None at the top)."""
        found: list[tuple[Node, Node | None]] = []

        def walk(node: Node, item: Node | None) -> None:
            for child in node:
                if isinstance(child, Node):
                    if child.tag in {"ul", "ol"}:
                        found.append((child, item))
                    walk(child, child if child.tag == "li" else item)

        for root in self.rich_text:
            walk(root, None)
        return found

    def tables(self) -> list[list[list[str]]]:
        return [
            [
                [_spaces(cell.text()) for cell in row if isinstance(cell, Node) and cell.tag in {"td", "th"}]
                for row in table.find_all("tr")
            ]
            for root in self.rich_text
            for table in root.find_all("table")
        ]

    def images(self) -> list[str]:
        """The alternative texts of the images held: in the rich text, and as the sections' figures (the import
        makes every image of the file a figure of its section)."""
        inline = [dict(img.attrs).get("alt") or "" for root in self.rich_text for img in root.find_all("img")]
        return inline + self.figures


def _own_text(item: Node) -> str:
    """A list item's text without the lists nested in it."""
    return _spaces(
        " ".join(
            c if isinstance(c, str) else c.text() for c in item if not (isinstance(c, Node) and c.tag in {"ul", "ol"})
        )
    )


def _within(wanted: list[str], items: list[str]) -> bool:
    """Whether the wanted items are all among the items, in their order (with others between)."""
    rest = iter(items)
    return all(any(item == w for item in rest) for w in wanted)


def _same(a: str, b: str) -> bool:
    return letters(a) == letters(b)


def structure(element: Element, held: Held) -> tuple[bool, str]:
    """Whether the data holds the element in its structure, and if not, why not (in the report's words)."""
    e, agreement = element.expect, held.agreement
    if element.kind == "title":
        return _same(agreement.title, e["text"]), f"title read as “{agreement.title}”"
    if element.kind == "kind":
        return agreement.kind == e["document_kind"], f"imported as kind “{agreement.kind}”"
    if element.kind == "period":
        if e["end"] is None:
            ok = (agreement.start_date, agreement.end_date, agreement.revision_interval_years) == (
                e["start"],
                None,
                e["every"],
            )
        else:
            ok = (agreement.start_date, agreement.end_date) == (e["start"], e["end"])
        return ok, f"period read as {agreement.start_date} – {agreement.end_date or 'tills vidare'}"
    if element.kind == "party":
        return agreement.party_links.filter(organisation__name=e["name"]).exists(), "not a party"
    if element.kind == "heading":
        for part, heading, depth in held.sections:
            if _same(heading, e["text"]):
                if (part, depth) == (e["part"], e["level"]):
                    return True, ""
                return False, f"a section of level {depth} in {part}, not level {e['level']} in {e['part']}"
        if any(_same(title, e["text"]) for title in held.focus_areas):
            return False, "became a focus area"
        return False, "not a section heading: kept as text"
    if element.kind == "focus area":
        rows = next((rows for title, rows in held.focus_areas.items() if _same(title, e["text"])), None)
        if rows is None:
            return False, "no focus area of that title"
        return len(rows) == e["rows"], f"a focus area with {len(rows)} rows, not {e['rows']}"
    if element.kind == "activity row":
        rows = next((rows for title, rows in held.focus_areas.items() if _same(title, e["focus_area"])), [])
        for row in rows:
            if _same(row.activity, e["cells"][0]):
                cells = (row.activity, row.measure, row.follow_up, row.goal_effect)
                ok = all(_same(a, b) for a, b in zip(cells, e["cells"], strict=True))
                return ok, "an activity row with other cells"
        return False, "not an activity row of its focus area"
    if element.kind == "commitment":
        for text, parties in held.commitments:
            if letters(e["text"]) in letters(text):
                return parties == set(e["parties"]), f"a commitment of {', '.join(sorted(parties))}"
        return False, "not a commitment: left in the text"
    if element.kind == "signatory":
        for party, name, title in held.signatories:
            if _same(name, e["name"]):
                ok = _same(title, e["title"]) and party == e["party"]
                return ok, f"a signatory for {party} titled “{title}”"
        return False, "not a signatory"
    if element.kind == "copies":
        return agreement.copies == e["count"], f"copies read as {agreement.copies}"
    if element.kind == "signing":
        ok = _same(agreement.signing_place, e["place"]) and agreement.signing_date in (None, e["day"])
        return ok, "place of signing not read" if not agreement.signing_place else "another place or date of signing"
    if element.kind == "forum":
        return any(_same(name, e["name"]) for name in held.forums), "not a cooperation forum: left in the text"
    if element.kind == "paragraph":
        for root in held.rich_text:
            if any(letters(e["text"]) in letters(p.text()) for p in root.find_all("p")):
                return True, ""
        return False, "not a paragraph of a section's text"
    if element.kind == "list":
        wanted_tag, wanted = ("ol" if e["ordered"] else "ul"), [letters(item) for item in e["items"]]
        for node, item in held.lists():
            items = [letters(_own_text(li)) for li in node if isinstance(li, Node) and li.tag == "li"]
            if items == wanted:
                if node.tag != wanted_tag:
                    return False, f"a <{node.tag}> instead of a <{wanted_tag}>"
                if e["under"] and (item is None or not _same(_own_text(item), e["under"])):
                    return False, "not nested under its item"
                return True, ""
            if _within(wanted, items):
                return False, (
                    "not nested: its items merged into the list above"
                    if e["under"]
                    else "its nested items merged into it as items of its own"
                )
        return False, "not a list: flattened into text"
    if element.kind == "table":
        for rows in held.tables():
            if len(rows) == len(e["rows"]) and all(
                _same(" ".join(a), " ".join(b)) for a, b in zip(rows, e["rows"], strict=True)
            ):
                return True, ""
        return False, "not a table in a section's text"
    if element.kind == "image":
        images = held.images()
        if len(images) < e["number"]:
            return False, "image not carried"
        return any(_same(alt, e["alt"]) for alt in images), "image carried without its description"
    raise ValueError(element.kind)


# --- Where the PDF prints it ------------------------------------------------------------------------------------


def occurrences(element: Element, text: str) -> list[int]:
    """Where in the PDF's letters each way of printing the element begins, its fragments following in order."""
    found: list[int] = []
    for fragments in element.printed_as:
        needles = [letters(f) for f in fragments if letters(f)]
        if not needles:
            continue
        start = text.find(needles[0])
        while start != -1 and len(found) < MAX_OCCURRENCES:
            at = start + len(needles[0])
            for needle in needles[1:]:
                at = text.find(needle, at)
                if at == -1:
                    break
                at += len(needle)
            else:
                found.append(start)
            start = text.find(needles[0], start + 1)
    return sorted(set(found))


def in_order(positions: list[list[int]]) -> set[int]:
    """The indexes of the longest run of elements found one after another: a longest increasing subsequence in which
    each element may be placed at any of its occurrences (taken from the last, so that it is used once)."""
    tails: list[int] = []  # the smallest end position of a run of each length
    tail_nodes: list[int] = []
    nodes: list[tuple[int, int | None]] = []  # (element index, previous node)
    for index, candidates in enumerate(positions):
        for position in sorted(candidates, reverse=True):
            length = bisect_left(tails, position)
            nodes.append((index, tail_nodes[length - 1] if length else None))
            if length == len(tails):
                tails.append(position)
                tail_nodes.append(len(nodes) - 1)
            elif position < tails[length]:
                tails[length], tail_nodes[length] = position, len(nodes) - 1
    chosen: set[int] = set()
    node = tail_nodes[-1] if tail_nodes else None
    while node is not None:
        index, node = nodes[node]
        chosen.add(index)
    return chosen


# --- The verdicts -------------------------------------------------------------------------------------------------


@dataclass
class Verdict:
    """An element's classification, with why when it is not held fully."""

    element: Element
    verdict: str
    why: str = ""


def classify(elements: list[Element], agreement: Agreement, pdf: bytes) -> list[Verdict]:
    """Every element of a sample held fully, partly or lost in the imported draft and its PDF."""
    held = Held.read(agreement)
    raw, pdf_images = pdf_text(pdf)
    text = letters(raw)
    structures = [structure(element, held) for element in elements]
    positions = [occurrences(e, text) for e in elements]
    # The order is read among the elements the data holds: words left behind in a section's text must not push
    # what the import did hold out of place.
    ordered = in_order(
        [
            found if ok and element.kind not in UNORDERED else []
            for element, found, (ok, _) in zip(elements, positions, structures, strict=True)
        ]
    )
    verdicts = []
    for index, element in enumerate(elements):
        ok, why = structures[index]
        if element.kind == "image":
            printed, placed = pdf_images >= element.expect["number"], True
        elif element.kind in UNORDERED:
            printed, placed = bool(positions[index]), True
        else:
            printed, placed = bool(positions[index]), index in ordered
        if printed and ok and placed:
            verdicts.append(Verdict(element, FULL))
        elif printed:
            verdicts.append(Verdict(element, PARTLY, why if not ok else "printed out of the document's order"))
        else:
            in_data = element.kind != "image" and all(letters(f) in held.words for f in element.printed_as[-1])
            reason = "not printed" + (" (its words are in the data)" if in_data or ok else "")
            verdicts.append(Verdict(element, LOST, reason if ok or in_data else f"{why}; not printed"))
    return verdicts


@dataclass
class Result:
    """A sample measured: its verdicts and the PDF they were read from."""

    sample: Sample
    verdicts: list[Verdict]
    pdf: bytes
    agreement_id: int

    def count(self, verdict: str) -> int:
        return sum(1 for v in self.verdicts if v.verdict == verdict)


def measure(sample: Sample) -> Result:
    """Import the sample, print its draft and classify its elements (inside the caller's transaction)."""
    agreement = import_sample(sample)
    pdf = agreement_pdf(agreement)
    return Result(sample, classify(sample.elements, agreement, pdf), pdf, agreement.pk)


def summary_rows(results: list[Result]) -> list[tuple[str, int, int, int, int, str]]:
    """(document, elements, fully, partly, lost, % fully) per document and overall."""

    def row(name: str, verdicts: list[Verdict]) -> tuple[str, int, int, int, int, str]:
        counts = [sum(1 for v in verdicts if v.verdict == kind) for kind in VERDICTS]
        share = 100 * counts[0] / len(verdicts) if verdicts else 0.0
        return (name, len(verdicts), *counts, f"{share:.1f}")

    rows = [row(r.sample.name, r.verdicts) for r in results]
    return [*rows, row("overall", [v for r in results for v in r.verdicts])]


def as_json(results: list[Result]) -> dict[str, Any]:
    rows = summary_rows(results)
    return {
        "documents": [
            {
                "name": r.sample.name,
                "shape": r.sample.shape,
                "counts": dict(zip(("elements", *VERDICTS, "percent_fully"), rows[i][1:], strict=True)),
                "elements": [
                    {"kind": v.element.kind, "label": v.element.label, "verdict": v.verdict, "why": v.why}
                    for v in r.verdicts
                ],
            }
            for i, r in enumerate(results)
        ],
        "overall": dict(zip(("elements", *VERDICTS, "percent_fully"), rows[-1][1:], strict=True)),
    }
