"""Demo data for newcomers: organisations, one user per role and four agreements in different states.

`make run` calls this on every start, so it must be idempotent. Organisations, users and memberships are
brought back to their demo state (the printed logins must work); an agreement that already exists is left
as it is, so what someone changed in the browser survives the next `make run`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from agreements.models import (
    Agreement,
    CooperationForum,
    Membership,
    Organisation,
    Party,
    Section,
    Signatory,
)

DEMO_PASSWORD = "samverkan-demo"  # noqa: S105 -- shown to every newcomer on purpose; handle() refuses without DEBUG
DEMO_URL = "http://127.0.0.1:8000/"

ModelT = TypeVar("ModelT", bound=models.Model)


# --- Organisations -------------------------------------------------------------------------------------------

TRELLEBORG = "Trelleborgs kommun"
SVEDALA = "Svedala kommun"
LPO_TRELLEBORG = "Lokalpolisområde Trelleborg"
SOLVESBORG = "Sölvesborgs kommun"
LPO_KARLSHAMN = "Lokalpolisområde Karlshamn"
SOLVESBORGSHEM = "Sölvesborgshem AB"

ORGANISATIONS: tuple[tuple[str, str], ...] = (
    (TRELLEBORG, Organisation.Kind.MUNICIPALITY),
    (SVEDALA, Organisation.Kind.MUNICIPALITY),
    (LPO_TRELLEBORG, Organisation.Kind.POLICE_AREA),
    (SOLVESBORG, Organisation.Kind.MUNICIPALITY),
    (LPO_KARLSHAMN, Organisation.Kind.POLICE_AREA),
    (SOLVESBORGSHEM, Organisation.Kind.OTHER),
)


# --- Users ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str
    role_label: str
    organisation: str | None = None
    role: str | None = None
    is_admin: bool = False


EDITOR_LABEL = "redaktör (säkerhetsenheten)"

USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "sakerhet", "Karin", "Nilsson", "karin.nilsson@trelleborg.example", EDITOR_LABEL,
        TRELLEBORG, Membership.Role.EDITOR,
    ),
    DemoUser(
        "kommunpolis", "Johan", "Berglund", "johan.berglund@polisen.example", "granskare (kommunpolis)",
        LPO_TRELLEBORG, Membership.Role.REVIEWER,
    ),
    DemoUser(
        "kommunstyrelsen", "Eva", "Holmberg", "eva.holmberg@trelleborg.example", "läsare (kommunstyrelsen)",
        TRELLEBORG, Membership.Role.READER,
    ),
    DemoUser(
        "svedala", "Anders", "Persson", "anders.persson@svedala.example", EDITOR_LABEL,
        SVEDALA, Membership.Role.EDITOR,
    ),
    DemoUser(
        "solvesborg", "Lena", "Åkesson", "lena.akesson@solvesborg.example", EDITOR_LABEL,
        SOLVESBORG, Membership.Role.EDITOR,
    ),
    DemoUser("admin", "Sofia", "Ek", "sofia.ek@samverkan.example", "systemförvaltare", is_admin=True),
)  # fmt: skip


# --- Agreements ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionData:
    heading: str
    body: str
    children: tuple[SectionData, ...] = ()


@dataclass(frozen=True)
class ForumData:
    name: str
    meeting_frequency: str
    convener: str
    participants: str


@dataclass(frozen=True)
class AgreementData:
    title: str
    parties: tuple[str, ...]
    start_date: date
    end_date: date | None
    status: str
    purpose: str
    overall_goals: str
    standing_commitments: str
    follow_up: str
    signatories: tuple[tuple[str, str, str], ...]  # (party, name, title), in signing order
    forums: tuple[ForumData, ...] = ()
    sections: tuple[SectionData, ...] = ()
    appendix: tuple[SectionData, ...] = ()
    revision_interval_years: int | None = None
    copies: int = 2
    signing_place: str = ""
    signing_date: date | None = None


def lines(*items: str) -> str:
    """One goal per line, as Agreement.overall_goals expects."""
    return "\n".join(items)


def bullets(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


TRELLEBORG_2023 = AgreementData(
    title="Samverkansöverenskommelse 2023–2026",
    parties=(TRELLEBORG, LPO_TRELLEBORG),
    start_date=date(2023, 1, 1),
    end_date=date(2026, 12, 31),
    status=Agreement.Status.DRAFT,
    purpose=(
        "Överenskommelsen ska klargöra vad Trelleborgs kommun och polisen var för sig och tillsammans åtar sig "
        "i det brottsförebyggande och trygghetsskapande arbetet under mandatperioden 2023–2026. Den bygger på "
        "en gemensam lägesbild och ska göra samverkan bredare, djupare och lättare att följa upp."
    ),
    overall_goals=lines(
        "Anmälda misshandelsbrott, olaga hot och ofredanden, övriga stölder, bedrägerier och skadegörelsebrott "
        "ska bli färre.",
        "Narkotikabruket ska minska och ingen öppen narkotikahandel ska förekomma på allmän plats.",
        "Unga som riskerar att hamna i missbruk ska upptäckas tidigt och få stöd.",
        "Färre invånare ska uppleva fortkörning och annan trafikstörning som ett problem.",
        "Ordningsstörningarna ska minska, både de som invånarna upplever och de som anmäls.",
        "Kriminella nätverk ska inte få fäste i kommunen.",
        "Brottslighet i och via hamnen ska motverkas.",
    ),
    standing_commitments=(
        "Kommunen och polisen deltar varje vecka i det operativa samverkansmötet inom Tryggare Trelleborg. "
        "Kommunens säkerhetsenhet kallar till mötet, som följer arbetssättet Effektiv samordning för trygghet "
        "(EST). På mötet delar parterna information och enas om en gemensam operativ lägesbild. Inom samverkan "
        "arbetar parterna för att kriminella nätverk inte ska kunna etablera sig i kommunen och för att göra "
        "det svårare för enskilda att rekryteras till eller verka i sådana miljöer."
    ),
    follow_up=(
        "Kommunen och kommunpolisen stämmer varje vecka av händelser i kommunen mot överenskommelsen inom EST. "
        "Vid målavstämningarna mellan kommunledningen och lokalpolisområdeschefen bedömer parterna om "
        "åtgärderna har gett avsedd effekt. Arbetet redovisas varje år för kommunstyrelsen och polisen, och "
        "efter mandatperioden sammanställer parterna en gemensam rapport om utfallet."
    ),
    copies=2,
    signing_place="Trelleborg",
    signing_date=date(2023, 4, 24),
    signatories=(
        (TRELLEBORG, "Birgitta Malmström", "Kommunstyrelsens ordförande"),
        (LPO_TRELLEBORG, "Henrik Sjöberg", "Lokalpolisområdeschef"),
    ),
    forums=(
        ForumData(
            name="Operativ samverkan inom Tryggare Trelleborg (EST)",
            meeting_frequency="Varje vecka, på torsdagar",
            convener="Säkerhetsenheten, Trelleborgs kommun",
            participants="Säkerhetsenheten, trygghetsvärdarna, företrädare för förvaltningarna och kommunpolisen",
        ),
        ForumData(
            name="Målavstämning mellan kommunledning och lokalpolisområde",
            meeting_frequency="Två gånger om året",
            convener="Kommundirektören",
            participants=("Kommunalråd, kommundirektör, säkerhetschef, lokalpolisområdeschef och kommunpolis"),
        ),
    ),
    sections=(
        SectionData(
            "Inledning",
            "<p>Trelleborgs kommun och polisen i lokalpolisområde Trelleborg förnyar sin "
            "samverkansöverenskommelse för mandatperioden 2023–2026. Överenskommelsen beskriver hur parterna "
            "tillsammans ska förebygga brott och öka tryggheten i kommunen, och vem som ansvarar för vad.</p>"
            "<p>Den vilar på en lägesbild som kommunen och polisen har tagit fram gemensamt. Lägesbilden, "
            "fokusområdena och de aktiviteter som hör till dem beskrivs i sin helhet i bilaga 1.</p>",
        ),
        SectionData(
            "Fokusområden 2023–2026",
            "<p>Under perioden ska parterna särskilt arbeta med följande områden:</p>"
            + bullets(
                "Misshandel",
                "Olaga hot och ofredande",
                "Övrig stöld",
                "Bedrägerier",
                "Skadegörelse",
                "Narkotika",
                "Trafik",
                "Ordningsstörningar",
                "Kriminella nätverk",
                "Hamnen",
            )
            + "<p>För varje fokusområde anger bilaga 1 vilka aktiviteter och åtgärder som ska genomföras, hur "
            "de följs upp och vilket mål eller vilken effekt de ska leda till.</p>",
        ),
        SectionData(
            "Åtaganden och uppföljning",
            "<p>Arbetet stäms av löpande vid de veckovisa EST-mötena och vid målavstämningarna mellan "
            "kommunledningen och lokalpolisområdeschefen. När mandatperioden är slut sammanställer kommunen och "
            "polisen en gemensam rapport om vad överenskommelsen har lett till. Rapporten blir underlag när "
            "nästa överenskommelse tas fram.</p>",
        ),
    ),
    appendix=(
        SectionData(
            "Bakgrund och uppdrag",
            "<p>Kommunstyrelsen och chefen för lokalpolisområde Trelleborg har beslutat att förnya "
            "samverkansöverenskommelsen mellan kommunen och polisen. Överenskommelsen ska klargöra vad var och "
            "en av parterna åtar sig i det brottsförebyggande och trygghetsskapande arbetet.</p>"
            "<p>Kommunen och polisen har samarbetat i många år, i flera nätverk och inom en rad områden. Med "
            "den här överenskommelsen vill parterna bredda och fördjupa samarbetet. Tyngdpunkten ligger på att "
            "förebygga brott och att sätta in insatser tidigt, riktade mot de situationer där brott uppstår, "
            "mot dem som utsätts och mot dem som begår brotten.</p>"
            "<p>Där ansvaret är delat svarar varje part för sitt eget område. Samverkan ska bedrivas i linje "
            "med kommunens övergripande handlingsplaner, också de som beslutas medan överenskommelsen "
            "gäller.</p>",
            children=(
                SectionData(
                    "Ansvar",
                    "<p>Hela kommunen ansvarar för att överenskommelsen genomförs. Säkerhetsenheten samordnar "
                    "arbetet och följer upp det.</p>"
                    "<p>På samma sätt ansvarar hela polisorganisationen för polisens åtaganden, medan "
                    "kommunpolisen samordnar och följer upp dem.</p>"
                    "<p>Genom lagen (2023:196) om kommuners ansvar för brottsförebyggande arbete blir "
                    "kommunstyrelsen den nämnd som bär ansvaret för de brottsförebyggande frågorna i "
                    "kommunen.</p>",
                ),
                SectionData(
                    "Tryggare Trelleborg",
                    "<p>Under förra mandatperioden byggdes det brottsförebyggande och trygghetsskapande arbetet "
                    "om för att bli mer effektivt. Målet är en trygg kommun med säkra offentliga platser och "
                    "unga som mår bra och har en aktiv fritid. Arbetet samlas i programmet Tryggare Trelleborg, "
                    "som omfattar hela kommunen och har kommunledningen som styrgrupp.</p>"
                    "<p>I strategigruppen för Tryggare Trelleborg sitter företrädare för samtliga förvaltningar "
                    "och kommunpolisen. Där samordnas kompetens och resurser så att dubbelarbete undviks. "
                    "Programmet håller lägesbilden aktuell genom egna undersökningar, kartläggningar och "
                    "analyser, med särskild uppmärksamhet på barn och unga.</p>"
                    "<p>Kartläggningen har, med kommunens hållbarhetsmål som grund, lett fram till sex "
                    "fokusområden:</p>"
                    + bullets(
                        "Barn och ungas delaktighet",
                        "Individen i fokus",
                        "Meningsfull fritid",
                        "Brottsförebyggande och ANDTS",
                        "Bo tryggt",
                        "Våld i nära relationer",
                    )
                    + "<p>Arbetsgruppen för Effektiv samordning för trygghet (EST) hör till fokusområdet "
                    "<em>Brottsförebyggande och ANDTS</em> och beskrivs i nästa avsnitt.</p>",
                ),
                SectionData(
                    "Effektiv samordning för trygghet – EST",
                    "<p>Kommunen och polisen deltar varje vecka i EST-mötet, som säkerhetsenheten kallar till. "
                    "Metoden går ut på att fånga upp tecken på otrygghet tidigt och agera innan problemen "
                    "växer. Det kräver ett strukturerat arbetssätt där information samlas in, lägesbilden "
                    "analyseras, insatser beslutas och resultatet följs upp. Veckan ser ut så här:</p>"
                    "<ol>"
                    "<li><strong>Tisdag:</strong> en kort digital enkät går ut till ett fyrtiotal personer som "
                    "arbetar ute i kommunen. De bedömer den gångna veckan utifrån tolv faktorer som påverkar "
                    "tryggheten, till exempel hot och våld, skadegörelse, bränder och narkotika.</li>"
                    "<li><strong>Torsdag:</strong> säkerhetsenheten, trygghetsvärdarna och polisen sammanställer "
                    "veckans lägesbild utifrån svaren, polisens underrättelser och egna iakttagelser, och "
                    "bestämmer vad som ska prioriteras.</li>"
                    "<li><strong>Fredag:</strong> en veckorapport skickas ut till dem som berörs.</li>"
                    "</ol>"
                    "<p>Inom EST arbetar parterna också för att kriminella nätverk inte ska få fäste, för att "
                    "försvåra rekrytering till kriminella miljöer och för att tidigt upptäcka våldsbejakande "
                    "extremism och platser där narkotika förekommer. Arbetet följer en kunskapsbaserad process, "
                    "och aktivitetsplanen ses över varje år.</p>",
                ),
            ),
        ),
        SectionData(
            "Den lokala lägesbilden",
            "<p>Lägesbilden visar vilka problem som är vanligast i kommunen och hur de har utvecklats över "
            "tid. Kommunen och polisen analyserar de mätningar av trygghet och säkerhet som görs varje år och "
            "väger samman dem med andra källor. Inför den här överenskommelsen har följande källor använts:</p>"
            + bullets(
                "Polisens trygghetsmätning",
                "Anmäld brottslighet",
                "Trygghetsvärdarnas rapporter",
                "Lokala, regionala och nationella enkäter och undersökningar",
                "Iakttagelser från poliser i yttre tjänst",
                "Polisens underrättelseinformation",
                "Medborgardialoger med olika grupper i samhället",
                "Trygghetsvandringar och andra möten med invånare",
                "Rapporter från bevakningsföretag",
            ),
            children=(
                SectionData(
                    "Brottsstatistik",
                    "<p>När kommunens brottsstatistik jämförs med andra kommuners utgår parterna från Sveriges "
                    "Kommuner och Regioners (SKR) kommungruppsindelning. Trelleborg hör till grupp A2, "
                    "<em>pendlingskommun nära storstad</em>, där minst 40 procent av invånarna pendlar till "
                    "arbete i en storstad eller en storstadsnära kommun. I samma grupp finns bland andra "
                    "Svedala, Vellinge och Kävlinge.</p>"
                    "<p>Statistiken ska läsas med försiktighet. Många brott anmäls aldrig, och benägenheten att "
                    "anmäla skiljer sig mellan brottstyper och över tid. För narkotikabrott speglar siffrorna "
                    "till stor del hur mycket polisen har arbetat med frågan.</p>"
                    "<p>Antalet anmälda brott i kommunen sjönk från 2016 till 2021 men steg något under 2022. "
                    "Hur mycket av nedgången som berodde på pandemin går ännu inte att säga. Jämfört med "
                    "kommunerna i samma grupp anmäls fortfarande många brott, framför allt <em>övrig "
                    "stöld</em>, till exempel stölder ur bilar och båtar, i butiker och i skolor och "
                    "idrottsanläggningar.</p>",
                ),
                SectionData(
                    "Polisens trygghetsmätning",
                    "<p>Polisen genomför varje år en trygghetsmätning tillsammans med kommunen. Den riktar sig "
                    "till invånare mellan 16 och 85 år, och 2022 svarade knappt 60 procent. Kommunens "
                    "problemindex har sjunkit sedan 2018, vilket betyder att invånarna upplever färre problem "
                    "och att tryggheten har ökat.</p>"
                    "<p>Med problemindex och problemnivåer kan tryggheten i ett område jämföras med landet i "
                    "stort. Ett <em>påtagligt problem</em> är ett problem som syns tydligt i lokalsamhället och "
                    "som många talar om. I den senaste mätningen har två orter i kommunen påtagliga "
                    "problem:</p>"
                    "<h4>Anderslöv</h4>"
                    + bullets("Bilar kör för fort", "Buskörning med moped", "Trafikreglerna följs inte")
                    + "<h4>Skegrie</h4>"
                    + bullets("Skadegörelse", "Ungdomsgäng som bråkar och stör ordningen", "Buskörning med moped"),
                ),
                SectionData(
                    "Enkäter, undersökningar och dialoger",
                    "<p>Region Skånes folkhälsoenkät 2021 visar att ungefär var sjunde elev i gymnasiets "
                    "årskurs 2 någon gång har använt narkotika. Sedan 2016 har andelen minskat bland pojkarna "
                    "men ökat bland flickorna.</p>"
                    "<p>Kommunen låter regelbundet analysera avloppsvattnet för att mäta hur mycket narkotika "
                    "som används. Varje mätning är en ögonblicksbild, men mellan 2020 och 2022 ökade halterna "
                    "av cannabis, amfetamin, kokain och tramadol.</p>"
                    "<p>I polisens medborgardialoger tar invånarna framför allt upp skadegörelse och "
                    "nedskräpning, narkotika och ordningsstörningar. Samma bild ger trygghetsvärdarnas "
                    "rapporter och kommunens digitala tjänst där invånare kan anmäla otrygga platser. Där "
                    "pekas också dålig belysning ut som något som gör platser otrygga.</p>",
                ),
            ),
        ),
        SectionData(
            "Fokusområden 2023–2026",
            "<p>Lägesbilden pekar ut de områden där kommunen, polisen och andra berörda aktörer behöver agera "
            "under perioden. Varje fokusområde beskrivs med sina aktiviteter och åtgärder, hur arbetet följs "
            "upp och vilket mål eller vilken effekt det ska leda till.</p>",
        ),
        SectionData(
            "Uppföljning och utvärdering",
            "<p>Alla insatser följs upp och redovisas för kommunstyrelsen och polisen. Uppföljningen sker på "
            "tre nivåer:</p>"
            "<ol>"
            "<li><strong>Varje vecka</strong> går kommunen och kommunpolisen igenom veckans händelser inom EST "
            "och stämmer av dem mot överenskommelsen.</li>"
            "<li><strong>Vid målavstämningarna</strong> bedömer kommunalråd, kommundirektör, säkerhetschef, "
            "lokalpolisområdeschef och kommunpolis om åtgärderna har påverkat problemen och gett avsedd "
            "effekt.</li>"
            "<li><strong>Efter mandatperioden</strong> utvärderas överenskommelsen som helhet i en gemensam "
            "rapport.</li>"
            "</ol>"
            "<p>Överenskommelsen bygger på brottsstatistik, trygghetsmätningar, medborgardialoger, rapporter "
            "och annan statistik, och samma källor används när resultaten följs upp.</p>",
        ),
    ),
)

SVEDALA_2024 = AgreementData(
    title="Samverkansöverenskommelse 2024–2027",
    parties=(SVEDALA, LPO_TRELLEBORG),
    start_date=date(2024, 1, 1),
    end_date=date(2027, 12, 31),
    status=Agreement.Status.REVIEW,
    purpose=(
        "Överenskommelsen anger hur Svedala kommun och lokalpolisområde Trelleborg ska samverka för att "
        "förebygga brott och öka tryggheten i kommunen under 2024–2027, och vad varje part ansvarar för."
    ),
    overall_goals=lines(
        "Färre invånare ska uppleva nedskräpning och skadegörelse som ett problem.",
        "Antalet anmälda bostadsinbrott ska minska.",
        "Hastigheten genom kommunens tätorter ska sänkas och ingen ska skadas allvarligt i trafiken.",
        "Unga ska ha tillgång till trygga mötesplatser och en meningsfull fritid.",
        "Färre unga ska börja använda alkohol, narkotika och tobak.",
    ),
    standing_commitments=(
        "Kommunens säkerhetssamordnare och kommunpolisen träffas varannan vecka för att gå igenom lägesbilden "
        "och fördela uppdrag. Kommunen kallar till mötet och för anteckningar."
    ),
    follow_up=(
        "Säkerhetssamordnaren och kommunpolisen redovisar arbetet för kommunstyrelsen och "
        "lokalpolisområdeschefen en gång om året. Överenskommelsen utvärderas när perioden är slut."
    ),
    signatories=(
        (SVEDALA, "Ulla Bengtsson", "Kommunstyrelsens ordförande"),
        (LPO_TRELLEBORG, "Henrik Sjöberg", "Lokalpolisområdeschef"),
    ),
    forums=(
        ForumData(
            name="Lokal samverkansgrupp",
            meeting_frequency="Varannan vecka",
            convener="Säkerhetssamordnaren, Svedala kommun",
            participants="Säkerhetssamordnare, kommunpolis, fritidsledare och vid behov socialtjänsten",
        ),
    ),
    sections=(
        SectionData(
            "Inledning",
            "<p>Svedala kommun och polisen har sedan flera år en nära samverkan i det brottsförebyggande "
            "arbetet. Den här överenskommelsen gäller för 2024–2027 och bygger på den lägesbild som parterna "
            "har tagit fram tillsammans under hösten 2023.</p>",
        ),
        SectionData(
            "Fokusområden 2024–2027",
            bullets(
                "Trygga mötesplatser för unga",
                "Bostadsinbrott",
                "Trafiken i tätorterna",
                "Nedskräpning och skadegörelse",
                "Alkohol, narkotika och tobak",
            ),
        ),
    ),
    appendix=(
        SectionData(
            "Bakgrund och uppdrag",
            "<p>Kommunstyrelsen och chefen för lokalpolisområde Trelleborg har gett säkerhetssamordnaren och "
            "kommunpolisen i uppdrag att ta fram en ny överenskommelse. Lokalpolisområdet omfattar både "
            "Trelleborgs och Svedala kommuner, och parterna strävar efter att arbetssätten ska likna varandra "
            "så att erfarenheter kan delas över kommungränsen.</p>",
        ),
        SectionData(
            "Den lokala lägesbilden",
            "<p>Lägesbilden bygger på polisens trygghetsmätning, anmäld brottslighet, skolornas "
            "enkätundersökningar och de trygghetsvandringar som genomfördes i Svedala och Bara under 2023.</p>",
            children=(
                SectionData(
                    "Polisens trygghetsmätning",
                    "<p>Tryggheten i kommunen är i stort sett oförändrad sedan förra mätningen. Två orter "
                    "utmärker sig med påtagliga problem:</p>"
                    "<h4>Svedala tätort</h4>"
                    + bullets("Nedskräpning", "Ungdomar som stör ordningen vid stationen")
                    + "<h4>Bara</h4>"
                    + bullets("Bilar kör för fort", "Inbrott i bostäder"),
                ),
            ),
        ),
        SectionData(
            "Uppföljning och utvärdering",
            "<p>Aktiviteterna följs upp i den lokala samverkansgruppen. En gång om året sammanställer "
            "säkerhetssamordnaren och kommunpolisen en gemensam uppföljning till kommunstyrelsen.</p>",
        ),
    ),
)

TRELLEBORG_2019 = AgreementData(
    title="Samverkansöverenskommelse 2019–2022",
    parties=(TRELLEBORG, LPO_TRELLEBORG),
    start_date=date(2019, 1, 1),
    end_date=date(2022, 12, 31),
    status=Agreement.Status.ENDED,
    purpose=(
        "Överenskommelsen ska ge en gemensam riktning åt det brottsförebyggande arbetet i Trelleborgs kommun "
        "under 2019–2022 och tydliggöra kommunens och polisens roller."
    ),
    overall_goals=lines(
        "Den upplevda tryggheten i kommunen ska öka.",
        "Antalet anmälda skadegörelsebrott ska minska.",
        "Narkotikahandeln på allmän plats ska minska.",
        "Färre ska uppleva buskörning med moped som ett problem.",
    ),
    standing_commitments=(
        "Kommunen och polisen träffas varje vecka i den operativa samverkansgruppen, som kommunen kallar till."
    ),
    follow_up="Överenskommelsen följs upp varje år och utvärderas efter perioden.",
    signing_place="Trelleborg",
    signing_date=date(2019, 3, 25),
    signatories=(
        (TRELLEBORG, "Göran Lindahl", "Kommunstyrelsens ordförande"),
        (LPO_TRELLEBORG, "Henrik Sjöberg", "Lokalpolisområdeschef"),
    ),
    sections=(
        SectionData(
            "Inledning",
            "<p>Trelleborgs kommun och polisen har kommit överens om att fortsätta och utveckla sin samverkan "
            "mot brott och otrygghet under perioden 2019–2022.</p>",
        ),
        SectionData(
            "Fokusområden 2019–2022",
            bullets("Narkotika", "Trafik", "Skadegörelse", "Ordningsstörningar", "Bostadsinbrott"),
        ),
    ),
    appendix=(
        SectionData(
            "Bakgrund och uppdrag",
            "<p>Överenskommelsen tar vid efter den förra perioden och bygger vidare på de arbetsformer som "
            "redan finns mellan kommunens förvaltningar och kommunpolisen.</p>",
        ),
        SectionData(
            "Uppföljning och utvärdering",
            "<p>Säkerhetsenheten och kommunpolisen redovisar varje år arbetet för kommunstyrelsen. När "
            "perioden är slut utvärderas överenskommelsen, och utvärderingen blir underlag för nästa.</p>",
        ),
    ),
)

SOLVESBORG_OPEN = AgreementData(
    title="Samverkansöverenskommelse för ett tryggare Sölvesborg",
    parties=(SOLVESBORG, LPO_KARLSHAMN, SOLVESBORGSHEM),
    start_date=date(2024, 1, 1),
    end_date=None,
    revision_interval_years=3,
    status=Agreement.Status.SIGNED,
    purpose=(
        "Överenskommelsen lägger grunden för det gemensamma brottsförebyggande arbetet i Sölvesborgs kommun. "
        "Den anger ramarna för hur kommunen, polisen och det kommunala bostadsbolaget samverkar och pekar ut "
        "de områden där parterna tillsammans kan göra mest nytta."
    ),
    overall_goals=lines(
        "Antalet tillgreppsbrott, särskilt bostadsinbrott och stölder ur källare och förråd, ska minska.",
        "Fler boende ska känna sig trygga i sitt bostadsområde när det är mörkt.",
        "Den som utsätts för våld i nära relation ska snabbt få skydd och stöd.",
        "Unga i riskzonen ska tidigt fångas upp i en social insatsgrupp.",
        "Krogar och försäljningsställen ska följa alkohol- och tobakslagstiftningen.",
    ),
    standing_commitments=(
        "Parterna deltar i det lokala brottsförebyggande rådet (BRå), som tar fram den gemensamma problembilden "
        "och vid behov tillsätter arbetsgrupper. Varje part ser till att det brottsförebyggande arbetet "
        "genomförs i den egna verksamheten enligt överenskommelsen och den årliga handlingsplanen."
    ),
    follow_up=(
        "Handlingsplanen följs upp varje år av parternas företrädare i BRå och redovisas för kommunstyrelsen, "
        "lokalpolisområdeschefen och bostadsbolagets styrelse. Lägesbilden och handlingsplanen revideras minst "
        "vart tredje år."
    ),
    copies=3,
    signing_place="Sölvesborg",
    signing_date=date(2023, 12, 14),
    signatories=(
        (SOLVESBORG, "Per Gunnarsson", "Kommundirektör"),
        (LPO_KARLSHAMN, "Annika Strand", "Lokalpolisområdeschef"),
        (SOLVESBORGSHEM, "Mikael Öhrn", "Verkställande direktör"),
    ),
    forums=(
        ForumData(
            name="Brottsförebyggande rådet (BRå)",
            meeting_frequency="Fyra gånger om året",
            convener="Säkerhetssamordnaren, Sölvesborgs kommun",
            participants="Kommunens förvaltningar, kommunpolisen och Sölvesborgshem AB",
        ),
    ),
    sections=(
        SectionData(
            "Inledning",
            "<p>Överenskommelsen ska ligga till grund för det operativa brottsförebyggande arbetet i Sölvesborgs "
            "kommun. Den gäller tills vidare och kompletteras varje år med en handlingsplan där parternas "
            "åtaganden för året anges.</p>"
            "<p>Brottsförebyggande rådet (BRå) följer upp att överenskommelsen genomförs och ser till att "
            "beslutsvägarna mellan parterna är korta.</p>",
        ),
        SectionData(
            "Samverkansområden",
            bullets(
                "Trygghetsvandringar",
                "Våld i nära relation",
                "Alkohol, narkotika och tobak",
                "Brottsförebyggande arbete för barn och unga",
                "Medborgardialog",
                "Trafiksäkerhet",
                "Våldsbejakande extremism",
            ),
        ),
        SectionData(
            "Prioriterat fokusområde: färre tillgreppsbrott",
            "<p>Parterna har som gemensamt mål att minska antalet tillgreppsbrott och därigenom öka tryggheten. "
            "Bostadsbolaget deltar med särskilt ansvar för sina bostadsområden, bland annat genom "
            "grannsamverkan och bättre skalskydd i källare och förråd.</p>",
        ),
        SectionData(
            "Giltighet och revidering",
            "<p>Överenskommelsen gäller från och med den 1 januari 2024 och tills vidare. Lägesbilden och "
            "handlingsplanen revideras minst vart tredje år, eller tidigare om någon av parterna begär "
            "det.</p>",
        ),
    ),
    appendix=(
        SectionData(
            "Handlingsplan 2024",
            "<p>Handlingsplanen anger vad varje part förbinder sig att göra under året och vem som ansvarar "
            "för genomförande och uppföljning.</p>",
            children=(
                SectionData(
                    "Trygghetsvandringar",
                    "<p><strong>Polisen förbinder sig att</strong></p>"
                    + bullets("följa brottsutvecklingen och peka ut platser som bör prioriteras vid vandringarna.")
                    + "<p><strong>Sölvesborgs kommun förbinder sig att</strong></p>"
                    + bullets(
                        "genomföra minst fyra trygghetsvandringar under året,",
                        "åtgärda de brister i den fysiska miljön som vandringarna visar på.",
                    )
                    + "<p><strong>Sölvesborgshem AB förbinder sig att</strong></p>"
                    + bullets("bjuda in hyresgäster till vandringarna i bolagets bostadsområden.")
                    + "<p>Ansvarig för genomförande och uppföljning är sekreteraren i BRå.</p>",
                ),
                SectionData(
                    "Färre tillgreppsbrott",
                    "<p><strong>Polisen förbinder sig att</strong></p>"
                    + bullets(
                        "inventera befintliga grannsamverkansområden och starta minst två nya under året,",
                        "göra riktade insatser mot dem som står för en stor del av tillgreppsbrotten.",
                    )
                    + "<p><strong>Sölvesborgshem AB förbinder sig att</strong></p>"
                    + bullets(
                        "se över lås och belysning i samtliga källar- och förrådsutrymmen under året,",
                        "informera hyresgästerna om stöldskyddsmärkning.",
                    )
                    + "<p><strong>Tillsammans förbinder sig parterna att</strong></p>"
                    + bullets("informera om stöldskyddsmärkning via möten, sociala medier och bolagets hemsida.")
                    + "<p>Ansvarig för genomförande och uppföljning är kommunens säkerhetssamordnare.</p>",
                ),
            ),
        ),
    ),
)

AGREEMENTS: tuple[AgreementData, ...] = (TRELLEBORG_2023, SVEDALA_2024, TRELLEBORG_2019, SOLVESBORG_OPEN)


# --- Writing -------------------------------------------------------------------------------------------------


def ensure(model: type[ModelT], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[ModelT, bool]:
    """update_or_create that leaves an unchanged row alone.

    A plain update_or_create saves every time, which writes a history record and bumps timestamps; the
    second run must leave the database exactly as the first one did.
    """
    instance = model._default_manager.filter(**lookup).first()
    created = instance is None
    if instance is None:
        instance = model(**lookup, **values)
    else:
        changed = {name: value for name, value in values.items() if getattr(instance, name) != value}
        if not changed:
            return instance, False
        for name, value in changed.items():
            setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance, created


def ensure_user(spec: DemoUser) -> tuple[AbstractUser, bool]:
    """The demo user with its printed password, whatever was changed since the last run."""
    user_model = get_user_model()
    user = user_model._default_manager.filter(username=spec.username).first()
    created = user is None
    if user is None:
        user = user_model(username=spec.username)
    values = {
        "first_name": spec.first_name,
        "last_name": spec.last_name,
        "email": spec.email,
        "is_active": True,
        "is_staff": spec.is_admin,
        "is_superuser": spec.is_admin,
    }
    changed = created or any(getattr(user, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(user, name, value)
    # set_password salts afresh every time, so only call it when the stored hash no longer matches.
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed = True
    if changed:
        user.full_clean()
        user.save()
    return user, created


def create_sections(
    agreement: Agreement, part: str, items: tuple[SectionData, ...], parent: Section | None = None
) -> None:
    for order, item in enumerate(items):
        section = Section(
            agreement=agreement, part=part, parent=parent, order=order, heading=item.heading, body=item.body
        )
        section.full_clean()
        section.save()
        create_sections(agreement, part, item.children, parent=section)


def ensure_agreement(data: AgreementData, organisations: dict[str, Organisation]) -> tuple[Agreement, bool]:
    """Create the agreement with everything in it, or leave an existing one exactly as it is."""
    parties = [organisations[name] for name in data.parties]
    # Titles like "Samverkansöverenskommelse 2023–2026" are shared by many municipalities, so the natural key
    # is the title together with the first party.
    existing = Agreement.objects.filter(title=data.title, party_links__organisation=parties[0]).first()
    if existing is not None:
        return existing, False

    agreement = Agreement(
        title=data.title,
        status=data.status,
        start_date=data.start_date,
        end_date=data.end_date,
        revision_interval_years=data.revision_interval_years,
        purpose=data.purpose,
        overall_goals=data.overall_goals,
        standing_commitments=data.standing_commitments,
        follow_up=data.follow_up,
        copies=data.copies,
        signing_place=data.signing_place,
        signing_date=data.signing_date,
    )
    agreement.full_clean()
    agreement.save()
    for order, organisation in enumerate(parties):
        Party.objects.create(agreement=agreement, organisation=organisation, order=order)
    for order, (party, name, title) in enumerate(data.signatories):
        Signatory.objects.create(agreement=agreement, party=organisations[party], name=name, title=title, order=order)
    for order, forum in enumerate(data.forums):
        CooperationForum.objects.create(
            agreement=agreement,
            name=forum.name,
            meeting_frequency=forum.meeting_frequency,
            convener=forum.convener,
            participants=forum.participants,
            order=order,
        )
    create_sections(agreement, Section.Part.AGREEMENT, data.sections)
    create_sections(agreement, Section.Part.APPENDIX, data.appendix)
    return agreement, True


class Command(BaseCommand):
    """Fill the database with demo organisations, users and agreements, and print the demo logins."""

    help = "Skapar demodata (organisationer, användare och överenskommelser) och skriver ut inloggningarna."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Kör även när DEBUG är avstängt (skapar en superanvändare med ett känt lösenord).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        # The demo creates a superuser whose password anyone can read in this file: never on a live site.
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo körs bara när DEBUG är på, eftersom den skapar en superanvändare med ett känt "
                "lösenord. Använd --force om du verkligen vill."
            )

        with transaction.atomic():
            organisations: dict[str, Organisation] = {}
            new_organisations = 0
            for name, kind in ORGANISATIONS:
                organisations[name], created = ensure(Organisation, {"name": name}, {"kind": kind})
                new_organisations += created

            new_users = 0
            for spec in USERS:
                user, created = ensure_user(spec)
                new_users += created
                if spec.organisation and spec.role:
                    ensure(
                        Membership,
                        {"user": user, "organisation": organisations[spec.organisation]},
                        {"role": spec.role},
                    )

            new_agreements = sum(ensure_agreement(data, organisations)[1] for data in AGREEMENTS)

        self.stdout.write(self.style.SUCCESS("Demodata för Samverkan är på plats."))
        self.stdout.write(
            f"  Organisationer: {len(ORGANISATIONS)} ({new_organisations} nya)\n"
            f"  Användare: {len(USERS)} ({new_users} nya)\n"
            f"  Överenskommelser: {len(AGREEMENTS)} ({new_agreements} nya; befintliga lämnas orörda)\n"
        )
        self.stdout.write(f"Logga in på {DEMO_URL} med någon av demoanvändarna:\n")
        rows = [("Användarnamn", "Roll", "Organisation", "Lösenord")] + [
            (spec.username, spec.role_label, spec.organisation or "–", DEMO_PASSWORD) for spec in USERS
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for index, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
