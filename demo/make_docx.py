"""Writes `demo/data/sjobacka-2025.docx`, the demo's agreement as a municipality would have it in Word.

The demo imports the file through the same service as "Import from Word", so it is built the way such files are
built: the title in Word's Title style, numbered headings typed into Heading 1 and 2, the signatures side by side
in a table, and "Bilaga 1" with its two focus areas as activity tables, a bullet list and a numbered list. Sjöbacka
is invented; every sentence is our own. Run it after changing the text and commit the .docx with it:

    python demo/make_docx.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject

OUTPUT = Path(__file__).resolve().parent / "data" / "sjobacka-2025.docx"
ACTIVITY_HEADER = ("Aktivitet", "Åtgärd", "Uppföljning", "Mål/Effekt")

CENTRE_ROWS = [
    (
        "Trygghetsvandringar i Torgcentrum och vid Resecentrum",
        "Kommunen bjuder in boende, handlare och polis till två vandringar om året och åtgärdar det som kommer fram.",
        "Antal vandringar och andel åtgärdade påpekanden redovisas i styrgruppen.",
        "Färre platser som upplevs som otrygga kvällstid.",
    ),
    (
        "Belysning och röjning av skymd växtlighet",
        "Gatuenheten går igenom gång- och cykelvägar mellan centrum och Norrdalen.",
        "Åtgärdslista med datum, följs upp varje halvår.",
        "Ökad upplevd trygghet i trygghetsmätningen.",
    ),
    (
        "Gemensam lägesbild inför helger och evenemang",
        "Polisen och kommunens trygghetssamordnare stämmer av varje torsdag.",
        "Kort anteckning från varje avstämning.",
        "Insatser sätts in där behovet är störst.",
    ),
]

YOUTH_ROWS = [
    (
        "Tidig samverkan kring unga som begår brott",
        "Socialtjänst, skola och polis träffas inom en vecka efter en anmälan mot en person under 18 år.",
        "Tid från anmälan till första möte mäts och redovisas per tertial.",
        "Färre unga som återfaller i brott.",
    ),
    (
        "Fältarbete kvällar och helger",
        "Fältassistenter och kommunpolis är ute tillsammans fredagar och lördagar.",
        "Antal kvällar och kontakter med unga.",
        "Vuxennärvaro där unga samlas.",
    ),
    (
        "Föräldramöten om droger och nätrisker",
        "Polisen medverkar på ett föräldramöte per högstadieskola och läsår.",
        "Antal möten och deltagare.",
        "Föräldrar som känner igen tecken på att unga far illa.",
    ),
]


def _table(document: DocumentObject, rows: list[tuple[str, ...]], *, header: tuple[str, ...] | None = None) -> None:
    all_rows = [header, *rows] if header else rows
    table = document.add_table(rows=len(all_rows), cols=len(all_rows[0]))
    table.style = "Table Grid"
    for row, values in zip(table.rows, all_rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            lines = value.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    if header:
        for cell in table.rows[0].cells:
            cell.paragraphs[0].runs[0].bold = True


def build() -> DocumentObject:
    """The agreement and its Bilaga 1 as one Word document."""
    document = Document()
    document.add_paragraph(
        "Samverkansöverenskommelse mellan Sjöbacka kommun och Lokalpolisområde Sjöbacka 2025–2028", style="Title"
    )

    document.add_paragraph("1. Parter", style="Heading 1")
    document.add_paragraph(
        "Överenskommelsen ingås mellan Sjöbacka kommun och Polismyndigheten genom Lokalpolisområde Sjöbacka. "
        "Båda parter ansvarar för att arbetet förankras i den egna organisationen."
    )
    document.add_paragraph("2. Syfte", style="Heading 1")
    document.add_paragraph(
        "Syftet är att kommunen och polisen tillsammans ska minska brottsligheten och öka tryggheten i Sjöbacka. "
        "Genom en gemensam bild av läget kan parterna lägga sina resurser där de gör mest nytta."
    )
    document.add_paragraph("3. Övergripande mål", style="Heading 1")
    document.add_paragraph("Parterna ska under perioden arbeta för att")
    document.add_paragraph("fler invånare känner sig trygga i sitt bostadsområde och i centrum,", style="List Bullet")
    document.add_paragraph("färre unga dras in i kriminalitet,", style="List Bullet")
    document.add_paragraph("våld i nära relationer upptäcks tidigare och anmäls oftare.", style="List Bullet")
    document.add_paragraph("4. Organisation", style="Heading 1")
    document.add_paragraph("4.1 Styrgrupp", style="Heading 2")
    document.add_paragraph(
        "Kommundirektören och lokalpolisområdeschefen leder en styrgrupp som träffas två gånger om året och "
        "beslutar om inriktningen för arbetet."
    )
    document.add_paragraph("4.2 Arbetsgrupp", style="Heading 2")
    document.add_paragraph(
        "Kommunens trygghetssamordnare och kommunpolisen leder arbetsgruppen, som tar fram lägesbilden och "
        "följer upp aktiviteterna i Bilaga 1."
    )
    document.add_paragraph("5. Uppföljning och giltighet", style="Heading 1")
    document.add_paragraph(
        "Överenskommelsen gäller från och med 1 januari 2025 till och med 31 december 2028. Den följs upp varje "
        "år inför styrgruppens höstmöte och kan revideras om någon av parterna begär det."
    )
    document.add_paragraph("6. Underskrifter", style="Heading 1")
    document.add_paragraph(
        "Överenskommelsen har upprättats i två likalydande exemplar, av vilka parterna tagit var sitt. "
        "Den undertecknas av:"
    )
    _table(
        document,
        [
            ("För Sjöbacka kommun", "För Lokalpolisområde Sjöbacka"),
            ("Ort och datum", "Ort och datum"),
            ("..............................", ".............................."),
            ("Annika Strand", "Mikael Öhman"),
            ("Kommunstyrelsens ordförande", "Lokalpolisområdeschef"),
        ],
    )

    document.add_page_break()
    document.add_paragraph("Bilaga 1", style="Heading 1")
    document.add_paragraph("1. Bakgrund", style="Heading 1")
    document.add_paragraph(
        "Sjöbacka är en kommun med omkring 24 000 invånare, en centralort och fyra mindre tätorter. "
        "Bilagan beskriver hur parterna ser på läget och vad de ska göra under den första perioden."
    )
    document.add_paragraph("2. Lägesbild", style="Heading 1")
    document.add_paragraph(
        "Lägesbilden bygger på polisens anmälningsstatistik, kommunens trygghetsmätning 2024 och samtal med "
        "skolor och fastighetsägare. Det som framför allt påverkar tryggheten är:"
    )
    document.add_paragraph("stök och skadegörelse kring Torgcentrum på kvällar och helger,", style="List Bullet")
    document.add_paragraph("en grupp unga som syns i flera anmälningar om rån och hot,", style="List Bullet")
    document.add_paragraph("dålig belysning längs gångvägen till Norrdalen.", style="List Bullet")
    document.add_paragraph("3. Fokusområden", style="Heading 1")
    document.add_paragraph("Utifrån lägesbilden har parterna valt två fokusområden för perioden.")
    document.add_paragraph("3.1 Trygga offentliga miljöer", style="Heading 2")
    document.add_paragraph("Centrum och stråken dit ska upplevas som trygga under dygnets alla timmar.")
    _table(document, CENTRE_ROWS, header=ACTIVITY_HEADER)
    document.add_paragraph("3.2 Unga i riskzon", style="Heading 2")
    document.add_paragraph("Unga som visar tecken på att dras in i brott ska mötas tidigt och samordnat.")
    _table(document, YOUTH_ROWS, header=ACTIVITY_HEADER)
    document.add_paragraph("4. Så följs aktiviteterna upp", style="Heading 1")
    document.add_paragraph("Arbetsgruppen följer upp bilagan i tre steg varje år:")
    document.add_paragraph("Varje ansvarig rapporterar läget för sina aktiviteter i oktober.", style="List Number")
    document.add_paragraph("Arbetsgruppen sammanställer rapporterna och nya siffror.", style="List Number")
    document.add_paragraph("Styrgruppen beslutar vad som ska ändras inför nästa år.", style="List Number")
    return document


def main(path: Path = OUTPUT) -> None:
    document = build()
    # The file's properties are what Word shows under File > Info; the template's own would name python-docx.
    document.core_properties.author = "Sjöbacka kommun"
    document.core_properties.title = "Samverkansöverenskommelse 2025–2028"
    document.save(path)
    sys.stdout.write(f"{path}\n")


if __name__ == "__main__":
    main()
