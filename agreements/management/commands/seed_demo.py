"""Demo data for newcomers: organisations, one user per role and four agreements in different states, with
focus areas, goals, commitments and an action plan, and two years of follow-up of the signed Sölvesborg
agreement (2024 approved and archived, 2025 a draft being filled in).

`make run` calls this on every start, so it must be idempotent. Organisations, users and memberships are
brought back to their demo state (the printed logins must work); an agreement that already exists is left
as it is, so what someone changed in the browser survives the next `make run`. The exceptions: an agreement
that is not yet signed and has no focus areas, goals or action plans (say, one seeded before they existed)
gets the demo ones added, and a signed agreement without any follow-up gets the demo years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.test.utils import override_settings

from agreements.models import (
    Agreement,
    ArchivedPdf,
    CooperationForum,
    Membership,
    Organisation,
    Party,
    Section,
    Signatory,
)
from agreements.services import archive_pdf
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, Goal, Indicator, ReviewEntry
from followup.models import FollowUpReport, Status
from followup.services import report_approve, report_confirm, report_start, report_submit

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
POLICE_LABEL = "granskare (kommunpolis)"

USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "sakerhet", "Karin", "Nilsson", "karin.nilsson@trelleborg.example", EDITOR_LABEL,
        TRELLEBORG, Membership.Role.EDITOR,
    ),
    DemoUser(
        "kommunpolis", "Johan", "Berglund", "johan.berglund@polisen.example", POLICE_LABEL,
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
    DemoUser(
        "polis-karlshamn", "Maria", "Lindqvist", "maria.lindqvist@polisen.example", POLICE_LABEL,
        LPO_KARLSHAMN, Membership.Role.REVIEWER,
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
class IndicatorData:
    name: str
    source: str
    direction: str
    unit: str = ""
    baseline_year: int | None = None
    baseline_value: Decimal | None = None
    target_value: Decimal | None = None


@dataclass(frozen=True)
class GoalData:
    key: str  # how the rows and commitments of the same agreement refer to the goal
    text: str
    kind: str = Goal.Kind.EFFECT
    indicator: IndicatorData | None = None


@dataclass(frozen=True)
class RowData:
    """Aktivitet | Åtgärd | Uppföljning | Mål/Effekt, and the keys of the goals the row serves."""

    activity: str
    measure: str
    follow_up: str
    goal_effect: str
    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewData:
    author: str  # username of a demo user
    kind: str
    text: str = ""


@dataclass(frozen=True)
class Target:
    value: int
    unit: str
    scope: str  # Commitment.TargetScope


@dataclass(frozen=True)
class CommitmentData:
    """What the parties commit to; the text continues "… förbinder sig att"."""

    parties: tuple[str, ...]
    text: str
    responsible_role: str = ""
    target: Target | None = None
    timing: str = ""
    place: str = ""
    third_parties: str = ""
    goals: tuple[str, ...] = ()
    review_status: str = Commitment.ReviewStatus.OPEN  # on a signed agreement every commitment is accepted
    review: tuple[ReviewData, ...] = ()


@dataclass(frozen=True)
class FocusAreaData:
    title: str
    group_heading: str = ""
    description: str = ""
    prioritised: bool = False
    rows: tuple[RowData, ...] = ()
    goals: tuple[GoalData, ...] = ()
    commitments: tuple[CommitmentData, ...] = ()


@dataclass(frozen=True)
class ActionPlanData:
    title: str
    year: int
    commitments: tuple[tuple[str, tuple[CommitmentData, ...]], ...]  # (focus area title, its commitments)


@dataclass(frozen=True)
class CommitmentOutcomeData:
    commitment: str  # how the commitment's text begins
    status: str
    comments: tuple[tuple[str, str], ...]  # (party, its comment) for every party to the commitment
    achieved: int | None = None
    evidence_link: str = ""


@dataclass(frozen=True)
class ActivityOutcomeData:
    activity: str  # the activity of the row, as it reads
    status: str
    comment: str


@dataclass(frozen=True)
class IndicatorValueData:
    indicator: str  # the indicator's name
    value: Decimal
    source: str
    comment: str = ""


@dataclass(frozen=True)
class FocusAreaSummaryData:
    focus_area: str  # title
    summary: str
    conclusions: str


@dataclass(frozen=True)
class ApprovalData:
    """Who took the year through submission, confirmation and approval (usernames of demo users)."""

    submitted_by: str
    confirmed_by: str
    approved_by: str
    approved_on: date
    case_number: str


@dataclass(frozen=True)
class FollowUpData:
    """A year's follow-up, filled in; without an approval it stays a draft."""

    year: int
    summary: str
    conclusions: str
    commitments: tuple[CommitmentOutcomeData, ...]
    activities: tuple[ActivityOutcomeData, ...]
    indicators: tuple[IndicatorValueData, ...]
    focus_areas: tuple[FocusAreaSummaryData, ...]
    approval: ApprovalData | None = None


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
    focus_area_section: str = ""  # heading of the appendix section the focus areas are shown under
    focus_areas: tuple[FocusAreaData, ...] = ()
    action_plans: tuple[ActionPlanData, ...] = ()
    follow_ups: tuple[FollowUpData, ...] = ()  # oldest first; each year after the first starts as a copy


def lines(*items: str) -> str:
    """One item per line, as Agreement.overall_goals and the cells of an activity row expect."""
    return "\n".join(items)


def bullets(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


# --- Trelleborg 2023–2026: focus areas in the shape of the reference's tables ---------------------------------

TRELLEBORG_BOTH = (TRELLEBORG, LPO_TRELLEBORG)
CRIME_STATISTICS = "Brottsstatistik"
CRIME_PLAN = "Handlingsplan brottsstatistik"

TRELLEBORG_2023_FOCUS_AREAS = (
    FocusAreaData(
        "Misshandel",
        group_heading=CRIME_STATISTICS,
        rows=(
            RowData(
                "Ta reda på var, när och i vilka sammanhang misshandel sker",
                lines(
                    "Kommunen och polisen går igenom kartläggningen tillsammans",
                    "De åtgärder som parterna väljer förs in i handlingsplanen",
                ),
                lines(CRIME_PLAN, "Anmäld brottslighet"),
                "Färre anmälda misshandelsbrott",
                goals=("misshandel",),
            ),
            RowData(
                "Fortsätta arbetet mot våld i nära relationer, också hedersrelaterat våld och förtryck",
                lines(
                    "Arbetet drivs inom fokusområdet Våld i nära relationer i Tryggare Trelleborg",
                    "Socialtjänsten och polisen stämmer av sina rutiner för orosanmälningar två gånger om året",
                ),
                lines(CRIME_PLAN, "Socialtjänstens egen statistik"),
                "Färre våldsbrott där offret och gärningspersonen känner varandra",
            ),
        ),
        goals=(
            GoalData(
                "misshandel",
                "Antalet anmälda misshandelsbrott ska minska",
                indicator=IndicatorData(
                    "Anmälda misshandelsbrott i kommunen",
                    Indicator.Source.REPORTED_CRIME,
                    Indicator.Direction.DECREASE,
                    unit="anmälda brott",
                    baseline_year=2022,
                    baseline_value=Decimal(372),
                ),
            ),
        ),
    ),
    FocusAreaData(
        "Olaga hot och ofredande",
        group_heading=CRIME_STATISTICS,
        rows=(
            RowData(
                "Sammanställa var och när olaga hot och ofredanden sker, på nätet såväl som på plats",
                lines(
                    "Sammanställningen analyseras i EST-gruppen",
                    "Parterna väljer åtgärder och för in dem i handlingsplanen",
                ),
                CRIME_PLAN,
                "Färre anmälda olaga hot och ofredanden",
                goals=("olaga-hot",),
            ),
        ),
        goals=(
            GoalData(
                "olaga-hot",
                "Antalet anmälda olaga hot och ofredanden ska minska",
                indicator=IndicatorData(
                    "Anmälda olaga hot och ofredanden i kommunen",
                    Indicator.Source.REPORTED_CRIME,
                    Indicator.Direction.DECREASE,
                    unit="anmälda brott",
                    baseline_year=2022,
                    baseline_value=Decimal(598),
                ),
            ),
        ),
    ),
    FocusAreaData(
        "Övrig stöld",
        group_heading=CRIME_STATISTICS,
        rows=(
            RowData(
                "Kartlägga stölderna i kategorin övrig stöld, till exempel ur båtar och bilar och i butiker",
                lines(
                    "Butiker, båtklubbar och idrottsföreningar erbjuds brottsförebyggande rådgivning",
                    "Platser som drabbas ofta tas upp på EST-mötet",
                ),
                lines(CRIME_PLAN, "Anmäld brottslighet"),
                "Färre anmälda brott i kategorin övrig stöld",
            ),
        ),
    ),
    FocusAreaData(
        "Bedrägerier",
        group_heading=CRIME_STATISTICS,
        rows=(
            RowData(
                "Ta fram en gemensam strategi så att färre invånare blir lurade",
                lines(
                    "Ett årshjul med informationsinsatser mot bedrägerier, särskilt riktade till äldre",
                    "Information på seniorträffar och i kommunens kanaler",
                ),
                CRIME_PLAN,
                "Fler bedrägerier ska stanna vid ett försök",
            ),
        ),
    ),
    FocusAreaData(
        "Skadegörelse",
        group_heading=CRIME_STATISTICS,
        rows=(
            RowData(
                "Ta reda på var och när bilar och andra fordon utsätts för skadegörelse",
                lines(
                    "Kommunen och polisen bestämmer utifrån kartläggningen vilka åtgärder som behövs",
                    "Belysningen ses över på de parkeringar som drabbas mest",
                ),
                lines(CRIME_PLAN, "Anmäld brottslighet"),
                "Färre anmälda skadegörelsebrott mot fordon",
            ),
            RowData(
                "Komma till rätta med skadegörelsen i Skegrie, som trygghetsmätningen pekar ut som ett påtagligt "
                "problem",
                lines(
                    "Trygghetsvandring i Skegrie med boende, fastighetsägare och polis",
                    "Klotter och skador som rapporteras åtgärdas snabbt",
                ),
                lines("Polisens trygghetsmätning", "Kommunens rapportering av otrygga platser"),
                "Färre boende i Skegrie upplever skadegörelse som ett problem",
                goals=("skadegorelse-skegrie",),
            ),
        ),
        goals=(
            GoalData(
                "skadegorelse-skegrie",
                "Färre boende i Skegrie ska uppleva skadegörelse som ett problem",
                indicator=IndicatorData(
                    "Problemindex för skadegörelse i Skegrie",
                    Indicator.Source.SAFETY_SURVEY,
                    Indicator.Direction.DECREASE,
                    unit="problemindex",
                    baseline_year=2022,
                    baseline_value=Decimal("2.35"),
                ),
            ),
        ),
    ),
    FocusAreaData(
        "Narkotika",
        prioritised=True,
        description=(
            "<p>Narkotika är ett prioriterat fokusområde under hela perioden. Både avloppsanalyserna och "
            "folkhälsoenkäten tyder på att användningen ökar, och invånarna tar ofta upp narkotika i "
            "medborgardialogerna.</p>"
        ),
        rows=(
            RowData(
                "Delta i den regionala samverkan mot öppna drogscener",
                lines(
                    "Erfarenhetsutbyte med andra kommuner och polisområden",
                    "Kartläggning och orsaksanalys av de platser där narkotika säljs öppet",
                    "En åtgärdsplan för varje plats som pekas ut",
                ),
                lines("Anmäld brottslighet", "Underrättelser från polisen och andra berörda aktörer"),
                "Inga öppna drogscener i kommunen",
                goals=("drogscener",),
            ),
            RowData(
                "Analysera avloppsvattnet",
                "Prover tas minst en gång om året och visar vilka narkotiska preparat som används och i vilken mängd",
                "Resultaten jämförs med tidigare års mätningar",
                "Mindre narkotikaanvändning i kommunen",
                goals=("avloppsanalys",),
            ),
            RowData(
                "Tidigt upptäcka unga som visar ett normbrytande beteende och ge dem stöd",
                lines(
                    "Fokusområdet Individen i fokus inom Tryggare Trelleborg tar fram ett gemensamt arbetssätt",
                    "Skolan, socialtjänsten och fältgruppen deltar",
                ),
                lines("Region Skånes folkhälsoenkät", "Kommunens egna elevenkäter"),
                "Färre unga har provat eller använder narkotika",
            ),
            RowData(
                "Myndighetsgemensamma kontroller",
                "Kommunen, polisen och vid behov andra myndigheter kontrollerar butiker och restauranger tillsammans",
                "Avstämning mellan kommunen och polisen efter varje kontroll",
                lines(
                    "Fler riktade kontroller",
                    "Butiker och restauranger ska inte kunna utnyttjas av den organiserade brottsligheten",
                ),
            ),
        ),
        goals=(
            GoalData(
                "drogscener",
                "Det ska inte finnas några öppna drogscener i kommunen",
                indicator=IndicatorData(
                    "Kända platser med öppen narkotikahandel",
                    Indicator.Source.OTHER,
                    Indicator.Direction.ZERO,
                    unit="platser",
                ),
            ),
            GoalData(
                "avloppsanalys",
                "Kommunen ska låta göra minst en avloppsanalys per år",
                kind=Goal.Kind.RESULT,
                indicator=IndicatorData(
                    "Genomförda avloppsanalyser",
                    Indicator.Source.OWN_COUNT,
                    Indicator.Direction.AT_LEAST,
                    unit="analyser per år",
                    target_value=Decimal(1),
                ),
            ),
        ),
        commitments=(
            CommitmentData(
                (TRELLEBORG,),
                "låta analysera avloppsvattnet från kommunens reningsverk och dela resultaten med polisen.",
                responsible_role="Säkerhetschefen",
                target=Target(1, "avloppsanalys", Commitment.TargetScope.PER_YEAR),
                third_parties="VA-avdelningen och ett ackrediterat laboratorium",
                goals=("avloppsanalys",),
            ),
            CommitmentData(
                TRELLEBORG_BOTH,
                "genomföra gemensamma kontroller av butiker och restauranger där det finns tecken på koppling "
                "till organiserad brottslighet.",
                responsible_role="Säkerhetschefen och kommunpolisen",
                target=Target(4, "myndighetsgemensamma kontroller", Commitment.TargetScope.PER_YEAR),
                third_parties="Skatteverket, Länsstyrelsen Skåne och räddningstjänsten, efter behov",
            ),
        ),
    ),
    FocusAreaData(
        "Trafik",
        rows=(
            RowData(
                "Ta reda på var invånarna upplever att bilar kör för fort",
                lines(
                    "Trafikfarliga platser pekas ut och åtgärdas så att färre skadas eller dödas i trafiken",
                    "Kommunen, polisen och Trafikverket tar fram förslagen till åtgärder tillsammans",
                ),
                lines("Polisens trygghetsmätning", "Kommunens hastighetsmätningar"),
                lines("Färre upplever att bilar kör för fort", "Ingen dödas eller skadas svårt i trafiken"),
                goals=("fortkorning-anderslov", "nollvision"),
            ),
            RowData(
                "Arbetsgruppen för motorburen ungdom",
                "Kommunen, polisen och ungdomarna själva söker vidare efter åtgärder mot buskörning med moped "
                "och A-traktor",
                "Polisens trygghetsmätning",
                "Färre upplever buskörning som ett problem",
            ),
            RowData(
                "Fler trafikkontroller i Anderslöv och Skegrie",
                "Polisen gör återkommande hastighets- och beteendekontroller och lagför den som bryter mot "
                "trafikreglerna",
                lines("Polisens trygghetsmätning", "Polisens egen uppföljning av kontrollerna"),
                "Färre i Anderslöv och Skegrie upplever trafikbrott som ett problem",
                goals=("fortkorning-anderslov",),
            ),
        ),
        goals=(
            GoalData(
                "fortkorning-anderslov",
                "Färre invånare i Anderslöv ska uppleva att bilar kör för fort",
                indicator=IndicatorData(
                    "Problemindex för ”bilar kör för fort”, Anderslöv",
                    Indicator.Source.SAFETY_SURVEY,
                    Indicator.Direction.DECREASE,
                    unit="problemindex",
                    baseline_year=2022,
                    baseline_value=Decimal("2.80"),
                ),
            ),
            GoalData(
                "nollvision",
                "Ingen ska dödas eller skadas svårt i trafiken i kommunen",
                indicator=IndicatorData(
                    "Döda och svårt skadade i trafiken",
                    Indicator.Source.OTHER,
                    Indicator.Direction.ZERO,
                    unit="personer",
                    baseline_year=2022,
                    baseline_value=Decimal(11),
                ),
            ),
        ),
        commitments=(
            CommitmentData(
                (LPO_TRELLEBORG,),
                "göra riktade hastighets- och beteendekontroller där invånarna upplever att bilar kör för fort.",
                responsible_role="Kommunpolisen, tillsammans med trafikgruppen i polisområdet",
                target=Target(20, "trafikkontroller", Commitment.TargetScope.PER_YEAR),
                timing="Särskilt vid skolstarterna och under sommarhalvåret",
                place="Anderslöv och Skegrie",
                goals=("fortkorning-anderslov",),
            ),
        ),
    ),
    FocusAreaData(
        "Ordningsstörningar",
        rows=(
            RowData(
                "Ta reda på var ordningsstörningarna sker",
                "Trygghetsvärdar och poliser finns oftare på de platser som pekas ut",
                lines(
                    "Polisens trygghetsmätning",
                    "Veckorapporterna från EST",
                    "Kommunens rapportering av otrygga platser",
                ),
                "Färre ordningsstörningar, både upplevda och rapporterade",
            ),
            RowData(
                "Bättre belysning där invånarna känner sig otrygga",
                "Samhällsbyggnadsförvaltningen går igenom de platser som invånarna rapporterar och rättar till "
                "brister i belysningen",
                "Kommunens rapportering av otrygga platser",
                "Färre platser upplevs som otrygga när det är mörkt",
            ),
        ),
        commitments=(
            CommitmentData(
                (TRELLEBORG,),
                "låta trygghetsvärdarna vara på plats där EST-mötet bedömer att ordningsstörningarna är störst.",
                responsible_role="Säkerhetschefen",
                timing="Fredags- och lördagskvällar, och oftare vid högtider och skollov",
            ),
        ),
    ),
    FocusAreaData(
        "Kriminella nätverk",
        rows=(
            RowData(
                "Hindra att kriminella nätverk etablerar sig eller rekryterar i kommunen",
                lines(
                    "Utbildning i vilka uppgifter kommunen och polisen kan och bör dela med varandra",
                    "Nära samverkan inom EST",
                    "Omvärldsbevakning",
                ),
                "Polisens underrättelser",
                "Inga nya nätverk etablerar sig och ingen nyrekrytering sker",
            ),
            RowData(
                "Samverkan kring fokuspersoner",
                "Tryggare Trelleborg tar fram ett arbetssätt för att tidigt upptäcka fokuspersoner och stödja dem "
                "att byta livsstil",
                "Uppgifter från berörda förvaltningar och från polisen",
                "Fler fokuspersoner lämnar kriminalitet och missbruk bakom sig",
            ),
            RowData(
                "Stöd till den som vill hoppa av",
                "Socialtjänsten och polisen tar fram gemensamma rutiner för den som vill lämna en kriminell miljö",
                "Avstämningar mellan socialtjänsten och polisen",
                "Rutinerna finns och används när någon vill lämna",
            ),
        ),
    ),
    FocusAreaData(
        "Hamnen",
        description=(
            "<p>Hamnen är en av landets största för trafik till och från kontinenten. Parterna vill tillsammans "
            "med Tullverket och hamnbolaget göra det svårare att använda hamnen för smuggling och annan "
            "brottslighet.</p>"
        ),
        rows=(
            RowData(
                "Motverka brottsligheten inom hamnområdet",
                "Hamnbolaget, kommunen, Tullverket och polisen samverkar nära så att hamnen inte kan användas som "
                "genomfartsled för brottslig verksamhet",
                lines("Anmäld brottslighet", "Underrättelser från berörda aktörer"),
                lines("Färre brott inom hamnområdet", "Fler riktade tillslag"),
            ),
            RowData(
                "Gemensam lägesbild för hamnen",
                "Aktörerna i hamnen träffas regelbundet och sammanställer en lägesbild som uppdateras två gånger "
                "om året",
                "Målavstämningen mellan kommunledningen och lokalpolisområdet",
                "Alla berörda aktörer utgår från samma bild av läget i hamnen",
                goals=("lagesbild-hamnen",),
            ),
        ),
        goals=(
            GoalData(
                "lagesbild-hamnen",
                "En gemensam lägesbild för hamnen ska finnas och hållas aktuell",
                kind=Goal.Kind.RESULT,
            ),
        ),
        commitments=(
            CommitmentData(
                TRELLEBORG_BOTH,
                "ta fram en gemensam lägesbild för hamnen och hålla den aktuell.",
                responsible_role="Säkerhetschefen och kommunpolisen",
                timing="Första lägesbilden senast den 30 juni 2024, sedan en uppdatering varje halvår",
                place="Trelleborgs hamn",
                third_parties="Tullverket och Trelleborgs Hamn AB",
                goals=("lagesbild-hamnen",),
            ),
        ),
    ),
)

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
    focus_area_section="Fokusområden 2023–2026",
    focus_areas=TRELLEBORG_2023_FOCUS_AREAS,
)

# --- Svedala 2024–2027: in review, with the police's review half done -----------------------------------------

SVEDALA_2024_FOCUS_AREAS = (
    FocusAreaData(
        "Bostadsinbrott",
        rows=(
            RowData(
                "Kartlägga var och när inbrotten sker, med särskilt fokus på Bara",
                lines(
                    "Polisen tar fram ett underlag varje kvartal",
                    "Underlaget gås igenom i den lokala samverkansgruppen",
                ),
                "Anmäld brottslighet",
                "Färre anmälda bostadsinbrott",
                goals=("bostadsinbrott",),
            ),
            RowData(
                "Fler hushåll i grannsamverkan",
                lines("Nya grannsamverkansområden startas", "Information om stöldskyddsmärkning"),
                "Antalet aktiva grannsamverkansområden",
                "Fler hushåll håller uppsikt över varandras bostäder",
                goals=("bostadsinbrott",),
            ),
        ),
        goals=(
            GoalData(
                "bostadsinbrott",
                "Antalet anmälda bostadsinbrott ska minska",
                indicator=IndicatorData(
                    "Anmälda bostadsinbrott i kommunen",
                    Indicator.Source.REPORTED_CRIME,
                    Indicator.Direction.DECREASE,
                    unit="anmälda brott",
                    baseline_year=2023,
                    baseline_value=Decimal(47),
                ),
            ),
        ),
        commitments=(
            CommitmentData(
                (LPO_TRELLEBORG,),
                "starta nya grannsamverkansområden och hålla kontaktombuden i de befintliga informerade om "
                "inbrottsläget.",
                responsible_role="Kommunpolisen",
                target=Target(3, "nya grannsamverkansområden", Commitment.TargetScope.PERIOD),
                place="Svedala tätort och Bara",
                goals=("bostadsinbrott",),
                review_status=Commitment.ReviewStatus.ACCEPTED,
                review=(ReviewData("kommunpolis", ReviewEntry.Kind.ACCEPTED),),
            ),
            CommitmentData(
                (SVEDALA,),
                "informera om grannsamverkan och stöldskyddsmärkning på kommunens webbplats och i sociala medier.",
                responsible_role="Kommunikationschefen",
                timing="Inför sommarlovet och jullovet",
                review_status=Commitment.ReviewStatus.ACCEPTED,
                review=(ReviewData("kommunpolis", ReviewEntry.Kind.ACCEPTED),),
            ),
        ),
    ),
    FocusAreaData(
        "Trafiken i tätorterna",
        rows=(
            RowData(
                "Sänka hastigheten genom Bara och Svedala tätort",
                lines(
                    "Hastighetsmätningar på de gator som trygghetsmätningen pekar ut",
                    "Kommunen och polisen föreslår tillsammans fysiska åtgärder",
                ),
                lines("Kommunens hastighetsmätningar", "Polisens trygghetsmätning"),
                "Lägre hastigheter och färre som upplever att bilar kör för fort",
                goals=("fortkorning-bara",),
            ),
        ),
        goals=(
            GoalData(
                "fortkorning-bara",
                "Färre invånare i Bara ska uppleva att bilar kör för fort",
                indicator=IndicatorData(
                    "Problemindex för ”bilar kör för fort”, Bara",
                    Indicator.Source.SAFETY_SURVEY,
                    Indicator.Direction.DECREASE,
                    unit="problemindex",
                    baseline_year=2023,
                    baseline_value=Decimal("2.45"),
                ),
            ),
        ),
        commitments=(
            CommitmentData(
                (SVEDALA,),
                "se över hastighetsgränser och gatumiljö där invånarna upplever att bilar kör för fort, och "
                "bygga om där det behövs.",
                responsible_role="Trafikingenjören",
                goals=("fortkorning-bara",),
                review_status=Commitment.ReviewStatus.CHANGE_REQUESTED,
                review=(
                    ReviewData(
                        "kommunpolis",
                        ReviewEntry.Kind.CHANGE_REQUESTED,
                        "Åtagandet behöver bli mer konkret för att gå att följa upp. Skriv vilka gator det gäller "
                        "och när åtgärderna ska vara klara, gärna med hastighetsmätningar före och efter.",
                    ),
                    ReviewData(
                        "svedala",
                        ReviewEntry.Kind.COMMENT,
                        "Det gäller i första hand genomfartsgatan i Bara och gatorna runt stationen i Svedala. "
                        "Trafikingenjören tar fram en tidplan till nästa möte i samverkansgruppen, sedan "
                        "skriver vi om åtagandet.",
                    ),
                ),
            ),
            CommitmentData(
                (LPO_TRELLEBORG,),
                "göra hastighetskontroller på de gator som kommunens mätningar pekar ut.",
                responsible_role="Kommunpolisen",
                target=Target(8, "hastighetskontroller", Commitment.TargetScope.PER_YEAR),
                place="Bara och Svedala tätort",
                goals=("fortkorning-bara",),
            ),
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
            "Fokusområden 2024–2027",
            "<p>För varje fokusområde anges aktiviteterna, hur de följs upp och vad parterna åtar sig. Polisen "
            "granskar åtagandena innan överenskommelsen skrivs under.</p>",
        ),
        SectionData(
            "Uppföljning och utvärdering",
            "<p>Aktiviteterna följs upp i den lokala samverkansgruppen. En gång om året sammanställer "
            "säkerhetssamordnaren och kommunpolisen en gemensam uppföljning till kommunstyrelsen.</p>",
        ),
    ),
    focus_area_section="Fokusområden 2024–2027",
    focus_areas=SVEDALA_2024_FOCUS_AREAS,
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

# --- Sölvesborg: signed, with its yearly action plan -------------------------------------------------------------

# The names the follow-up years give their indicator values under.
SOLVESBORG_THEFTS = "Anmälda tillgreppsbrott i kommunen"
SOLVESBORG_UNSAFE_CENTRE = "Andel som känner sig otrygga i Sölvesborgs centrum en sen kväll"
SOLVESBORG_PUB_INSPECTIONS = "Gemensamma krogtillsyner"

# The activities the follow-up years report on, as they read.
SOLVESBORG_WALKS = "Trygghetsvandringar i centrum och i Sölvesborgshems bostadsområden"
SOLVESBORG_LOCKS = "Bättre skalskydd i källare och förråd"
SOLVESBORG_SAME_DAY = "Snabb kontakt mellan polisen och socialtjänsten när någon utsätts för våld av en närstående"
SOLVESBORG_PUBS = "Gemensam tillsyn av restauranger med serveringstillstånd"
SOLVESBORG_SCHOOL_ROUTES = "Säkrare skolvägar"

SOLVESBORG_FOCUS_AREAS = (
    FocusAreaData(
        "Trygghetsvandringar",
        description=(
            "<p>Vid en trygghetsvandring går boende och verksamma i ett område tillsammans med kommunen, "
            "polisen och fastighetsägarna runt och letar efter platser som känns otrygga eller är osäkra. De "
            "som bor i området vet bäst var bristerna finns, och vandringen ger dem en direkt kanal till dem "
            "som kan åtgärda dem.</p>"
        ),
        rows=(
            RowData(
                SOLVESBORG_WALKS,
                lines(
                    "Kommunpolisen föreslår utifrån brottsutvecklingen vart vandringarna ska gå",
                    "Bristerna som vandringarna hittar förs in i en åtgärdslista som BRå följer upp",
                ),
                lines("Polisens trygghetsmätning", "Åtgärdslistan från vandringarna"),
                "Färre känner sig otrygga i centrum och i bostadsområdena när det är mörkt",
                goals=("otrygghet-centrum",),
            ),
            RowData(
                SOLVESBORG_LOCKS,
                "Sölvesborgshem byter lås och dörrar till källare och förråd, först i de områden där flest inbrott "
                "anmäls",
                "Anmäld brottslighet",
                "Färre inbrott och stölder i källare och förråd",
                goals=("tillgreppsbrott",),
            ),
        ),
        goals=(
            GoalData(
                "tillgreppsbrott",
                "Antalet anmälda tillgreppsbrott ska minska",
                indicator=IndicatorData(
                    SOLVESBORG_THEFTS,
                    Indicator.Source.REPORTED_CRIME,
                    Indicator.Direction.DECREASE,
                    unit="anmälda brott",
                    baseline_year=2023,
                    baseline_value=Decimal(694),
                ),
            ),
            GoalData(
                "otrygghet-centrum",
                "Andelen som upplever otrygghet i centrum ska minska",
                indicator=IndicatorData(
                    SOLVESBORG_UNSAFE_CENTRE,
                    Indicator.Source.SAFETY_SURVEY,
                    Indicator.Direction.DECREASE,
                    unit="procent",
                    baseline_year=2023,
                    baseline_value=Decimal(24),
                ),
            ),
        ),
    ),
    FocusAreaData(
        "Våld i nära relation",
        description=(
            "<p>Den som utsätts för våld av en närstående behöver kunna lämna hemmet direkt, tillsammans med "
            "sina barn, och få ett tryggt boende och stöd. Det förutsätter att polisen och socialtjänsten tar "
            "kontakt med varandra utan dröjsmål och att det finns bostäder att tillgå med kort varsel.</p>"
        ),
        rows=(
            RowData(
                SOLVESBORG_SAME_DAY,
                lines(
                    "Polisen och socialtjänsten stämmer av rutinen för orosanmälningar två gånger om året",
                    "Socialjouren och Sölvesborgshem har en gemensam kontaktlista för akuta boenden",
                ),
                "Socialtjänstens egen statistik",
                "Den som utsätts för våld, och barnen, får skydd och stöd samma dag",
            ),
        ),
    ),
    FocusAreaData(
        "Alkohol, narkotika och tobak",
        description=(
            "<p>Alkohol och narkotika finns med i bakgrunden till en stor del av brotten och "
            "ordningsstörningarna i kommunen. Med tillsyn över krogar och försäljningsställen, och genom att "
            "tala med unga och deras föräldrar, vill parterna minska både tillgången och konsumtionen.</p>"
        ),
        rows=(
            RowData(
                SOLVESBORG_PUBS,
                "Tillståndsenheten och kommunpolisen besöker restaurangerna tillsammans och dokumenterar varje besök",
                "Tillståndsenhetens tillsynsprotokoll",
                "Restaurangerna följer alkohollagen och ordningen i krogmiljön blir bättre",
                goals=("krogtillsyner",),
            ),
        ),
        goals=(
            GoalData(
                "krogtillsyner",
                "Restaurangerna med serveringstillstånd ska få minst fem gemensamma tillsyner om året",
                kind=Goal.Kind.RESULT,
                indicator=IndicatorData(
                    SOLVESBORG_PUB_INSPECTIONS,
                    Indicator.Source.OWN_COUNT,
                    Indicator.Direction.AT_LEAST,
                    unit="tillsyner per år",
                    baseline_year=2023,
                    baseline_value=Decimal(4),
                    target_value=Decimal(5),
                ),
            ),
        ),
    ),
    FocusAreaData(
        "Trafiksäkerhet",
        description=(
            "<p>Parterna prioriterar trafiksäkerheten för barn och unga: på väg till och från skolan, kring "
            "förskolor och skolor och där unga kör moped och A-traktor.</p>"
        ),
        rows=(
            RowData(
                SOLVESBORG_SCHOOL_ROUTES,
                lines(
                    "Elever och föräldrar pekar ut platser på skolvägen där de känner sig osäkra",
                    "Trafikingenjören och kommunpolisen går igenom platserna och föreslår åtgärder",
                ),
                lines("Kommunens hastighetsmätningar", "Polisens egen uppföljning av kontrollerna"),
                "Barnen kan gå och cykla säkert till skolan",
            ),
        ),
    ),
)

SOLVESBORG_ENVIRONMENT_ASSOCIATION = "Miljöförbundet Blekinge Väst"

SOLVESBORG_PLAN_2024 = ActionPlanData(
    "Handlingsplan 2024",
    2024,
    (
        (
            "Trygghetsvandringar",
            (
                CommitmentData(
                    (LPO_KARLSHAMN,),
                    "följa brottsutvecklingen och föreslå de platser som vandringarna i första hand bör gå till.",
                    responsible_role="Kommunpolisen",
                ),
                CommitmentData(
                    (SOLVESBORG,),
                    "ordna trygghetsvandringar och rätta till de brister i den fysiska miljön som vandringarna "
                    "visar på.",
                    responsible_role="Sekreteraren i BRå",
                    target=Target(4, "trygghetsvandringar", Commitment.TargetScope.PER_YEAR),
                    third_parties="Boende, föreningar och fastighetsägare i de berörda områdena",
                    goals=("otrygghet-centrum",),
                ),
                CommitmentData(
                    (SOLVESBORGSHEM,),
                    "bjuda in hyresgästerna till vandringarna i bolagets områden och åtgärda brister i belysning "
                    "och växtlighet inom tre månader.",
                    responsible_role="Bolagets förvaltningschef",
                    goals=("otrygghet-centrum", "tillgreppsbrott"),
                ),
            ),
        ),
        (
            "Våld i nära relation",
            (
                CommitmentData(
                    (LPO_KARLSHAMN,),
                    "göra en orosanmälan till socialtjänsten samma dygn som polisen möter ett barn som lever med "
                    "våld i hemmet.",
                    responsible_role="Lokalpolisområdets utredningschef",
                ),
                CommitmentData(
                    (SOLVESBORG,),
                    "se till att den som har utsatts för våld av en närstående, och barnen, kan få ett "
                    "tillfälligt skyddat boende samma dag som polisen hör av sig.",
                    responsible_role="Chefen för individ- och familjeomsorgen",
                    timing="Dygnet runt, via socialjouren utanför kontorstid",
                ),
                CommitmentData(
                    (SOLVESBORGSHEM,),
                    "hålla en möblerad korttidslägenhet tillgänglig för socialtjänsten när någon snabbt behöver "
                    "lämna sitt hem.",
                    responsible_role="Bolagets uthyrningschef",
                ),
            ),
        ),
        (
            "Alkohol, narkotika och tobak",
            (
                CommitmentData(
                    (LPO_KARLSHAMN,),
                    "berätta om alkohol och narkotika för föräldrar och personal på högstadie- och "
                    "gymnasieskolorna när skolorna ber om det.",
                    responsible_role="Kommunpolisen",
                ),
                CommitmentData(
                    (LPO_KARLSHAMN,),
                    "besöka försäljningsställen för tobak och nikotinprodukter tillsammans med miljöförbundets "
                    "inspektörer.",
                    responsible_role="Kommunpolisen",
                    target=Target(3, "tillsynsbesök", Commitment.TargetScope.PER_YEAR),
                    third_parties=SOLVESBORG_ENVIRONMENT_ASSOCIATION,
                ),
                CommitmentData(
                    (SOLVESBORG,),
                    "kontrollera att de som säljer tobak följer lagen om tobak och liknande produkter.",
                    responsible_role="Tillståndshandläggaren vid Tillståndsenheten Västra Blekinge",
                    target=Target(10, "tillsynsbesök", Commitment.TargetScope.PERIOD),
                    third_parties=SOLVESBORG_ENVIRONMENT_ASSOCIATION,
                ),
                CommitmentData(
                    (SOLVESBORG, LPO_KARLSHAMN),
                    "göra gemensamma, dokumenterade tillsyner på restauranger med serveringstillstånd.",
                    responsible_role="Tillståndshandläggaren och kommunpolisen",
                    target=Target(5, "krogtillsyner", Commitment.TargetScope.PER_YEAR),
                    timing="Främst fredags- och lördagskvällar",
                    goals=("krogtillsyner",),
                ),
            ),
        ),
        (
            "Trafiksäkerhet",
            (
                CommitmentData(
                    (LPO_KARLSHAMN,),
                    "övervaka hastighet och trafikbeteende vid skolor och förskolor och längs barnens skolvägar.",
                    responsible_role="Kommunpolisen",
                    target=Target(10, "riktade insatser", Commitment.TargetScope.PER_YEAR),
                    timing="Särskilt när terminerna börjar i augusti och januari",
                ),
                CommitmentData(
                    (LPO_KARLSHAMN,),
                    "kontrollera A-traktorer och mopeder i närheten av skolorna.",
                    responsible_role="Kommunpolisen",
                    target=Target(4, "kontrollinsatser", Commitment.TargetScope.PER_YEAR),
                ),
                CommitmentData(
                    (SOLVESBORG,),
                    "förbättra trafikmiljön kring förskolor och skolor så att barnen kan ta sig säkert dit, "
                    "till fots, på cykel och med skolskjuts.",
                    responsible_role="Trafikingenjören",
                ),
            ),
        ),
    ),
)

# --- Sölvesborg: two years of follow-up ------------------------------------------------------------------------

# How the plan's commitments begin: the follow-up years find their outcomes by it.
WALK_PLACES = "följa brottsutvecklingen"
WALKS = "ordna trygghetsvandringar"
TENANTS = "bjuda in hyresgästerna"
REPORT_OF_CONCERN = "göra en orosanmälan"
SHELTER = "se till att den som har utsatts för våld"
SHORT_STAY_FLAT = "hålla en möblerad korttidslägenhet"
PARENTS = "berätta om alkohol och narkotika"
TOBACCO_VISITS = "besöka försäljningsställen för tobak"
TOBACCO_CONTROL = "kontrollera att de som säljer tobak"
PUB_INSPECTIONS = "göra gemensamma, dokumenterade tillsyner"
SCHOOL_TRAFFIC = "övervaka hastighet och trafikbeteende"
MOPEDS = "kontrollera A-traktorer och mopeder"
SCHOOL_SURROUNDINGS = "förbättra trafikmiljön"

SOLVESBORG_WEB = "https://www.solvesborg.example.se"

SOLVESBORG_2024 = FollowUpData(
    year=2024,
    summary=(
        "Det första året med överenskommelsen har parterna kommit i gång med nästan alla åtaganden. "
        "Trygghetsvandringarna och samarbetet kring våld i nära relation har fungerat som det var tänkt, och de "
        "anmälda tillgreppsbrotten har blivit färre än 2023. Sämre har det gått med trafikmiljön kring skolorna: "
        "ombyggnaden vid Mjällby skola sköts upp, och polisen hann inte med alla kontroller av mopeder och "
        "A-traktorer."
    ),
    conclusions=(
        "Trygghetsvandringarna och krogtillsynerna fortsätter i samma omfattning. Kommunen tar upp ombyggnaden "
        "vid Mjällby skola i budgeten för 2025. BRå går igenom antalet tillsyner och kontroller varje kvartal, "
        "så att det syns i tid om ett mål inte kommer att nås."
    ),
    commitments=(
        CommitmentOutcomeData(
            WALK_PLACES,
            Status.DONE,
            (
                (
                    LPO_KARLSHAMN,
                    "Inför varje BRå-möte har vi tagit fram en lägesbild och föreslagit platser till alla fyra "
                    "vandringarna. Källarinbrotten i bostadsområdena och cykelstölderna vid stationen vägde "
                    "tyngst.",
                ),
            ),
        ),
        CommitmentOutcomeData(
            WALKS,
            Status.DONE,
            (
                (
                    SOLVESBORG,
                    "Fyra vandringar: i centrum, runt stationen, i Norje och i ett av Sölvesborgshems områden. "
                    "Sammanlagt var ett sjuttiotal boende med. Av de 31 bristerna på åtgärdslistan var 23 "
                    "åtgärdade vid årets slut.",
                ),
            ),
            achieved=4,
            evidence_link=f"{SOLVESBORG_WEB}/trygghet/trygghetsvandringar-2024",
        ),
        CommitmentOutcomeData(
            TENANTS,
            Status.PARTLY_DONE,
            (
                (
                    SOLVESBORGSHEM,
                    "Hyresgästerna bjöds in till båda vandringarna i våra områden. Trasig belysning längs "
                    "gångvägarna byttes inom tre månader, men buskarna vid förrådslängorna hann vi inte röja "
                    "förrän efter fem månader, eftersom vi bytte entreprenör under hösten.",
                ),
            ),
        ),
        CommitmentOutcomeData(
            REPORT_OF_CONCERN,
            Status.DONE,
            (
                (
                    LPO_KARLSHAMN,
                    "Alla 38 orosanmälningar som gällde barn i hem med våld gick till socialtjänsten samma dygn. "
                    "Rutinen gås igenom med alla nya poliser i lokalpolisområdet.",
                ),
            ),
        ),
        CommitmentOutcomeData(
            SHELTER,
            Status.DONE,
            (
                (
                    SOLVESBORG,
                    "Vid alla nio tillfällen då polisen hörde av sig kunde vi erbjuda skyddat boende samma dag, "
                    "två gånger genom socialjouren mitt i natten.",
                ),
            ),
        ),
        CommitmentOutcomeData(
            SHORT_STAY_FLAT,
            Status.DONE,
            (
                (
                    SOLVESBORGSHEM,
                    "Lägenheten har stått möblerad och klar hela året. Den användes fyra gånger, som längst i sex "
                    "veckor.",
                ),
            ),
        ),
        CommitmentOutcomeData(
            PARENTS,
            Status.DONE,
            (
                (
                    LPO_KARLSHAMN,
                    "Kommunpolisen var med på sex föräldramöten och på två studiedagar för personalen på "
                    "högstadiet och gymnasiet.",
                ),
            ),
        ),
        CommitmentOutcomeData(
            TOBACCO_VISITS,
            Status.PARTLY_DONE,
            (
                (
                    LPO_KARLSHAMN,
                    "Två besök blev av tillsammans med miljöförbundets inspektörer. Det tredje ställdes in i "
                    "november, när kommunpolisen behövdes i en annan insats.",
                ),
            ),
            achieved=2,
        ),
        CommitmentOutcomeData(
            TOBACCO_CONTROL,
            Status.ONGOING,
            (
                (
                    SOLVESBORG,
                    "Sex av kommunens elva försäljningsställen har haft tillsyn. Två brast i ålderskontrollen och "
                    "fick ett föreläggande; vid återbesöket var bristerna åtgärdade.",
                ),
            ),
            achieved=6,
        ),
        CommitmentOutcomeData(
            PUB_INSPECTIONS,
            Status.DONE,
            (
                (
                    SOLVESBORG,
                    "Fem gemensamma tillsyner, alla på fredags- eller lördagskvällar under sommaren och i "
                    "december. Protokollen finns hos Tillståndsenheten Västra Blekinge.",
                ),
                (
                    LPO_KARLSHAMN,
                    "Vid en av tillsynerna serverades en märkbart berusad gäst. Vi skrev en rapport till "
                    "tillståndsenheten, som gav restaurangen en varning.",
                ),
            ),
            achieved=5,
            evidence_link=f"{SOLVESBORG_WEB}/bra/krogtillsyner-2024.pdf",
        ),
        CommitmentOutcomeData(
            SCHOOL_TRAFFIC,
            Status.DONE,
            (
                (
                    LPO_KARLSHAMN,
                    "Tolv riktade insatser, de flesta när terminerna började. Vid Mjällby skola fick elva förare "
                    "böter för att ha kört för fort.",
                ),
            ),
            achieved=12,
            evidence_link="https://polisen.example.se/aktuellt/blekinge/2024/hastighetskontroller-vid-skolorna",
        ),
        CommitmentOutcomeData(
            MOPEDS,
            Status.PARTLY_DONE,
            (
                (
                    LPO_KARLSHAMN,
                    "Tre kontrollinsatser. Vi hittade sju trimmade mopeder och två A-traktorer som gick för fort. "
                    "Den fjärde insatsen fick ställas in i oktober när det saknades personal.",
                ),
            ),
            achieved=3,
        ),
        CommitmentOutcomeData(
            SCHOOL_SURROUNDINGS,
            Status.NOT_DONE,
            (
                (
                    SOLVESBORG,
                    "Ombyggnaden av hämta- och lämnaplatsen vid Mjällby skola fick skjutas till 2025, eftersom "
                    "investeringsbudgeten inte räckte. Några andra åtgärder blev inte av under året.",
                ),
            ),
        ),
    ),
    activities=(
        ActivityOutcomeData(
            SOLVESBORG_WALKS, Status.DONE, "Fyra vandringar. Åtgärdslistan hade 31 punkter, varav 23 är klara."
        ),
        ActivityOutcomeData(
            SOLVESBORG_LOCKS, Status.ONGOING, "Nya lås och dörrar sitter på plats i två av bolagets fem områden."
        ),
        ActivityOutcomeData(SOLVESBORG_SAME_DAY, Status.DONE, "Rutinen stämdes av i mars och i oktober."),
        ActivityOutcomeData(SOLVESBORG_PUBS, Status.DONE, "Fem tillsyner, alla dokumenterade."),
        ActivityOutcomeData(
            SOLVESBORG_SCHOOL_ROUTES,
            Status.PARTLY_DONE,
            "Elever på tre skolor pekade ut platser där de känner sig osäkra, och trafikingenjören och "
            "kommunpolisen har gått igenom dem. Åtgärderna väntar på pengar i budgeten.",
        ),
    ),
    indicators=(
        IndicatorValueData(
            SOLVESBORG_THEFTS,
            Decimal(655),
            "Polisens statistik över anmälda brott 2024",
            "Minskningen gäller framför allt stölder ur källare och förråd.",
        ),
        IndicatorValueData(
            SOLVESBORG_UNSAFE_CENTRE,
            Decimal("24.3"),
            "Polisens trygghetsmätning 2024",
            "Ungefär som 2023. Flest nämner stationsområdet på kvällarna.",
        ),
        IndicatorValueData(SOLVESBORG_PUB_INSPECTIONS, Decimal(5), "Tillståndsenhetens tillsynsprotokoll"),
    ),
    focus_areas=(
        FocusAreaSummaryData(
            "Trygghetsvandringar",
            "Fyra vandringar med ett sjuttiotal boende. De flesta brister gällde belysning och växtlighet, och tre "
            "av fyra var åtgärdade vid årets slut.",
            "Åtgärdslistan gås igenom på varje BRå-möte, så att ingen brist blir liggande.",
        ),
        FocusAreaSummaryData(
            "Våld i nära relation",
            "Polisen och socialtjänsten har haft den kontakt som överenskommelsen förutsätter, och alla som "
            "behövde lämna sitt hem kunde göra det samma dag.",
            "Rutinen fungerar och behålls som den är.",
        ),
        FocusAreaSummaryData(
            "Alkohol, narkotika och tobak",
            "Krogtillsynerna nådde målet om fem om året, men polisen hann bara med två av tre besök hos "
            "tobakshandlarna.",
            "Polisens besök hos tobakshandlarna planeras in tidigare på året.",
        ),
        FocusAreaSummaryData(
            "Trafiksäkerhet",
            "Polisen gjorde fler insatser vid skolorna än planerat men färre kontroller av mopeder och "
            "A-traktorer. Ombyggnaden vid Mjällby skola blev inte av.",
            "Ombyggnaden vid Mjällby skola prioriteras 2025.",
        ),
    ),
    approval=ApprovalData(
        submitted_by="solvesborg",
        confirmed_by="polis-karlshamn",
        approved_by="solvesborg",
        approved_on=date(2025, 3, 18),
        case_number="KS 2025/112",
    ),
)

SOLVESBORG_2025 = FollowUpData(
    year=2025,
    summary=(
        "Samarbetet kring våld i nära relation och det nya skalskyddet i bostadsområdena har fungerat väl, och "
        "de anmälda tillgreppsbrotten fortsätter att minska. Krogtillsynerna blev färre än målet, och polisens "
        "besök hos tobakshandlarna utgick efter beslut i BRå. Andelen som känner sig otrygga i centrum är "
        "densamma som när överenskommelsen började gälla."
    ),
    conclusions=(
        "Krogtillsynerna för hela året bokas redan i januari, med reservdatum. Parterna behöver pröva nya sätt "
        "att minska otryggheten i centrum, i första hand kring stationen på kvällarna."
    ),
    commitments=(
        CommitmentOutcomeData(
            WALK_PLACES,
            Status.DONE,
            (
                (
                    LPO_KARLSHAMN,
                    "Lägesbilden togs fram inför varje BRå-möte. I år vägde cykelstölderna vid stationen och "
                    "inbrotten i fritidshus i Hällevik tyngst.",
                ),
            ),
        ),
        CommitmentOutcomeData(
            WALKS,
            Status.PARTLY_DONE,
            (
                (
                    SOLVESBORG,
                    "Tre vandringar blev av: i centrum, runt stationen och i Mjällby. Vandringen i Norje fick "
                    "ställas in två gånger eftersom för få hade anmält sig, och den flyttas till våren 2026.",
                ),
            ),
            achieved=3,
            evidence_link=f"{SOLVESBORG_WEB}/trygghet/trygghetsvandringar-2025",
        ),
        CommitmentOutcomeData(
            TENANTS,
            Status.DONE,
            (
                (
                    SOLVESBORGSHEM,
                    "Alla brister i belysning och växtlighet från årets vandringar var åtgärdade inom tre månader. "
                    "Vid förråden i två områden har vi också satt upp belysning som tänds av rörelse.",
                ),
            ),
        ),
        CommitmentOutcomeData(
            REPORT_OF_CONCERN,
            Status.DONE,
            ((LPO_KARLSHAMN, "Samma dygn i samtliga fall, 41 orosanmälningar under året."),),
        ),
        CommitmentOutcomeData(
            SHELTER,
            Status.DONE,
            ((SOLVESBORG, "Skyddat boende kunde erbjudas samma dag vid alla elva tillfällen."),),
        ),
        CommitmentOutcomeData(
            SHORT_STAY_FLAT,
            Status.DONE,
            (
                (
                    SOLVESBORGSHEM,
                    "Lägenheten användes tre gånger. Vi har kommit överens med socialtjänsten om att en andra "
                    "lägenhet kan ställas till förfogande när det behövs.",
                ),
            ),
        ),
        CommitmentOutcomeData(
            PARENTS,
            Status.DONE,
            (
                (
                    LPO_KARLSHAMN,
                    "Kommunpolisen var med på fem föräldramöten och föreläste om narkotika för personalen på "
                    "gymnasieskolan.",
                ),
            ),
        ),
        CommitmentOutcomeData(
            TOBACCO_VISITS,
            Status.DROPPED,
            (
                (
                    LPO_KARLSHAMN,
                    "Ett besök i februari. BRå beslutade i maj att åtagandet utgår: miljöförbundet gör tillsynen "
                    "på egen hand, och polisen följer med bara när det finns särskilda skäl.",
                ),
            ),
            achieved=1,
        ),
        CommitmentOutcomeData(
            TOBACCO_CONTROL,
            Status.DONE,
            (
                (
                    SOLVESBORG,
                    "Fem tillsynsbesök i år, och därmed är målet om tio under perioden nått. Ett "
                    "försäljningsställe sålde snus till en 16-åring vid ett kontrollköp och fick en varning.",
                ),
            ),
            achieved=5,
        ),
        CommitmentOutcomeData(
            PUB_INSPECTIONS,
            Status.PARTLY_DONE,
            (
                (
                    SOLVESBORG,
                    "Bara tre gemensamma tillsyner blev av. Tillståndsenheten hade för lite personal i höstas, "
                    "och de två tillsynerna i december fick ställas in.",
                ),
                (
                    LPO_KARLSHAMN,
                    "Polisen hade personal avsatt till alla fem tillfällena. Nästa år vill vi boka in "
                    "tillsynerna för hela året redan i januari.",
                ),
            ),
            achieved=3,
        ),
        CommitmentOutcomeData(
            SCHOOL_TRAFFIC,
            Status.DONE,
            (
                (
                    LPO_KARLSHAMN,
                    "Tio riktade insatser. Färre körde för fort vid skolorna än förra året, tydligast vid Mjällby "
                    "skola.",
                ),
            ),
            achieved=10,
        ),
        CommitmentOutcomeData(
            MOPEDS,
            Status.DONE,
            (
                (
                    LPO_KARLSHAMN,
                    "Fem kontrollinsatser, varav två kvällar i centrum tillsammans med polisens bilinspektörer.",
                ),
            ),
            achieved=5,
        ),
        CommitmentOutcomeData(
            SCHOOL_SURROUNDINGS,
            Status.ONGOING,
            (
                (
                    SOLVESBORG,
                    "Ombyggnaden av hämta- och lämnaplatsen vid Mjällby skola började i augusti och blir klar i "
                    "vår. Vid två förskolor har hastighetsgränsen sänkts till 30 km/h.",
                ),
            ),
        ),
    ),
    activities=(
        ActivityOutcomeData(
            SOLVESBORG_WALKS,
            Status.PARTLY_DONE,
            "Tre av fyra planerade vandringar. Nästan allt på åtgärdslistan är klart.",
        ),
        ActivityOutcomeData(
            SOLVESBORG_LOCKS, Status.DONE, "Alla fem områdena har fått nya lås och dörrar till källare och förråd."
        ),
        ActivityOutcomeData(SOLVESBORG_SAME_DAY, Status.DONE, "Rutinen stämdes av i april och i november."),
        ActivityOutcomeData(SOLVESBORG_PUBS, Status.PARTLY_DONE, "Tre tillsyner i stället för fem."),
        ActivityOutcomeData(
            SOLVESBORG_SCHOOL_ROUTES,
            Status.ONGOING,
            "Ombyggnaden vid Mjällby skola pågår. Platserna vid de andra två skolorna finns med i budgeten för 2026.",
        ),
    ),
    indicators=(
        IndicatorValueData(
            SOLVESBORG_THEFTS,
            Decimal(618),
            "Polisens statistik över anmälda brott 2025",
            "Fortsatt färre. I de områden där skalskyddet har bytts har källarinbrotten nästan halverats sedan 2023.",
        ),
        IndicatorValueData(
            SOLVESBORG_UNSAFE_CENTRE,
            Decimal("23.8"),
            "Polisens trygghetsmätning 2025",
            "I stort sett oförändrat sedan 2023.",
        ),
        IndicatorValueData(
            SOLVESBORG_PUB_INSPECTIONS,
            Decimal(3),
            "Tillståndsenhetens tillsynsprotokoll",
            "Två tillsyner i december ställdes in.",
        ),
    ),
    focus_areas=(
        FocusAreaSummaryData(
            "Trygghetsvandringar",
            "Tre vandringar i stället för fyra, men bristerna som hittades åtgärdades snabbare än förra året.",
            "Vandringen i Norje genomförs våren 2026 och annonseras bredare, bland annat i Sölvesborgshems nyhetsbrev.",
        ),
        FocusAreaSummaryData(
            "Våld i nära relation",
            "Alla som behövde det fick skydd samma dag, och bostadsbolaget kan nu erbjuda ytterligare en lägenhet.",
            "Rutinen behålls som den är.",
        ),
        FocusAreaSummaryData(
            "Alkohol, narkotika och tobak",
            "Målet om fem krogtillsyner nåddes inte. Polisens besök hos tobakshandlarna utgick i maj, medan "
            "kommunen nådde periodens mål om tio tillsynsbesök.",
            "Krogtillsynerna för hela året bokas i januari, med reservdatum.",
        ),
        FocusAreaSummaryData(
            "Trafiksäkerhet",
            "Polisen nådde målen för sina kontroller, och ombyggnaden vid Mjällby skola har kommit i gång.",
            "Kommunen och polisen mäter hastigheterna vid Mjällby skola igen när ombyggnaden är klar.",
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
            "Samverkansområden",
            "<p>Här beskrivs de områden där kommunen, polisen och bostadsbolaget samverkar. Vad var och en av "
            "parterna förbinder sig att göra står i den årliga handlingsplanen.</p>",
        ),
    ),
    focus_area_section="Samverkansområden",
    focus_areas=SOLVESBORG_FOCUS_AREAS,
    action_plans=(SOLVESBORG_PLAN_2024,),
    follow_ups=(SOLVESBORG_2024, SOLVESBORG_2025),
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

    # Content goes in while the agreement is a draft; `sign_if_due` gives it its status afterwards.
    agreement = Agreement(
        title=data.title,
        status=Agreement.Status.DRAFT,
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


def saved(instance: ModelT) -> ModelT:
    instance.full_clean()
    instance.save()
    return instance


def create_goal(agreement: Agreement, focus_area: FocusArea, spec: GoalData, order: int) -> Goal:
    goal = saved(Goal(agreement=agreement, focus_area=focus_area, kind=spec.kind, text=spec.text, order=order))
    if spec.indicator is not None:
        indicator = spec.indicator
        saved(
            Indicator(
                goal=goal,
                name=indicator.name,
                source=indicator.source,
                unit=indicator.unit,
                direction=indicator.direction,
                baseline_year=indicator.baseline_year,
                baseline_value=indicator.baseline_value,
                target_value=indicator.target_value,
            )
        )
    return goal


def create_commitment(
    spec: CommitmentData,
    order: int,
    *,
    agreement: Agreement,
    focus_area: FocusArea,
    action_plan: ActionPlan | None,
    organisations: dict[str, Organisation],
    goals: dict[str, Goal],
    users: dict[str, AbstractUser],
    signed: bool,
) -> None:
    # The police accepted every commitment of an agreement before it was signed.
    commitment = Commitment(
        agreement=agreement,
        focus_area=focus_area,
        action_plan=action_plan,
        text=spec.text,
        responsible_role=spec.responsible_role,
        target_value=spec.target.value if spec.target else None,
        target_unit=spec.target.unit if spec.target else "",
        target_scope=spec.target.scope if spec.target else "",
        timing=spec.timing,
        place=spec.place,
        third_parties=spec.third_parties,
        order=order,
        review_status=Commitment.ReviewStatus.ACCEPTED if signed else spec.review_status,
    )
    saved(commitment)
    commitment.parties.set([organisations[name] for name in spec.parties])
    commitment.goals.set([goals[key] for key in spec.goals])
    for entry in spec.review:
        ReviewEntry.objects.create(commitment=commitment, author=users[entry.author], kind=entry.kind, text=entry.text)


def give_status(agreement: Agreement, status: str, *, archivist: AbstractUser) -> None:
    """Move a newly created demo agreement to its status; a signed one gets its signatures and archived PDF."""
    if status in Agreement.FROZEN_STATUSES:
        for signatory in agreement.signatories.all():
            signatory.signed_on = agreement.signing_date
            signatory.save(update_fields=["signed_on"])
    agreement.status = status
    agreement.save(update_fields=["status", "updated_at"])
    if agreement.is_frozen:
        archive_pdf(ArchivedPdf(agreement=agreement, archived_by=archivist))


def create_focus_areas(
    agreement: Agreement,
    data: AgreementData,
    organisations: dict[str, Organisation],
    users: dict[str, AbstractUser],
) -> bool:
    """Give the agreement its demo focus areas, goals, commitments and action plans if it has none of them yet.

    An agreement that has any of them is left as it is, like the rest of an existing agreement; one seeded
    before focus areas existed gets them, unless it is signed by now: its content is frozen.
    """
    if not (data.focus_areas or data.action_plans) or agreement.is_frozen:
        return False
    if agreement.focus_areas.exists() or agreement.action_plans.exists() or agreement.goals.exists():
        return False

    # Without the section (an agreement seeded before it was added) the focus areas end Bilaga 1.
    placement = agreement.sections.filter(part=Section.Part.APPENDIX, heading=data.focus_area_section).first()
    focus_areas: dict[str, FocusArea] = {}
    goals: dict[str, Goal] = {}
    for order, spec in enumerate(data.focus_areas):
        focus_area = saved(
            FocusArea(
                agreement=agreement,
                placement=placement,
                group_heading=spec.group_heading,
                title=spec.title,
                description=spec.description,
                prioritised=spec.prioritised,
                order=order,
            )
        )
        focus_areas[spec.title] = focus_area
        for goal_order, goal in enumerate(spec.goals):
            goals[goal.key] = create_goal(agreement, focus_area, goal, goal_order)

    # Rows and commitments come once every goal exists, since they may serve another focus area's goal.
    related = {
        "agreement": agreement,
        "organisations": organisations,
        "goals": goals,
        "users": users,
        "signed": data.status in Agreement.FROZEN_STATUSES,
    }
    for spec in data.focus_areas:
        focus_area = focus_areas[spec.title]
        for order, row_spec in enumerate(spec.rows):
            row = saved(
                ActivityRow(
                    focus_area=focus_area,
                    activity=row_spec.activity,
                    measure=row_spec.measure,
                    follow_up=row_spec.follow_up,
                    goal_effect=row_spec.goal_effect,
                    order=order,
                )
            )
            row.goals.set([goals[key] for key in row_spec.goals])
        for order, commitment in enumerate(spec.commitments):
            create_commitment(commitment, order, focus_area=focus_area, action_plan=None, **related)

    for plan_order, plan_spec in enumerate(data.action_plans):
        plan = saved(ActionPlan(agreement=agreement, title=plan_spec.title, year=plan_spec.year, order=plan_order))
        for title, commitments in plan_spec.commitments:
            for order, commitment in enumerate(commitments):
                create_commitment(commitment, order, focus_area=focus_areas[title], action_plan=plan, **related)
    return True


def fill_in(report: FollowUpReport, spec: FollowUpData) -> None:
    """Fill in the year as both parties would in the browser. Whatever the agreement lacks (a dev database
    seeded before its goals and activities existed, say) is passed over."""
    outcomes = list(report.commitment_outcomes.select_related("commitment"))
    for item in spec.commitments:
        outcome = next((o for o in outcomes if o.commitment.text.startswith(item.commitment)), None)
        if outcome is None:
            continue
        outcome.status = item.status
        outcome.achieved = item.achieved
        outcome.evidence_link = item.evidence_link
        saved(outcome)
        comments = {comment.party.name: comment for comment in outcome.party_comments.select_related("party")}
        for party, text in item.comments:
            if party in comments:
                comments[party].text = text
                saved(comments[party])
    rows = {outcome.row.activity: outcome for outcome in report.activity_outcomes.select_related("row")}
    for item in spec.activities:
        if item.activity in rows:
            rows[item.activity].status, rows[item.activity].comment = item.status, item.comment
            saved(rows[item.activity])
    values = {value.indicator.name: value for value in report.indicator_values.select_related("indicator")}
    for item in spec.indicators:
        if item.indicator in values:
            value = values[item.indicator]
            value.value, value.source, value.comment = item.value, item.source, item.comment
            saved(value)
    summaries = {s.focus_area.title: s for s in report.focus_area_summaries.select_related("focus_area")}
    for item in spec.focus_areas:
        if item.focus_area in summaries:
            summary = summaries[item.focus_area]
            summary.summary, summary.conclusions = item.summary, item.conclusions
            saved(summary)
    report.summary, report.conclusions = spec.summary, spec.conclusions
    report.save(update_fields=["summary", "conclusions"])


def create_follow_ups(agreement: Agreement, data: AgreementData, users: dict[str, AbstractUser]) -> int:
    """Give a signed agreement without any follow-up its demo years; an approved year is submitted, confirmed
    and approved (which archives its PDF) like in the browser. Returns how many years were created."""
    if not data.follow_ups or not agreement.is_frozen or agreement.follow_ups.exists():
        return 0
    created = 0
    for spec in data.follow_ups:
        if not agreement.is_active_in(spec.year):
            continue
        # Each later year starts from the year before, as staff would start it.
        report = report_start(agreement=agreement, year=spec.year, copy_previous=created > 0)
        created += 1
        fill_in(report, spec)
        if spec.approval is not None:
            approval = spec.approval
            report_submit(report=report, user=users[approval.submitted_by])
            report_confirm(report=report, user=users[approval.confirmed_by])
            report_approve(
                report=report,
                user=users[approval.approved_by],
                approved_on=approval.approved_on,
                case_number=approval.case_number,
            )
    return created


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

        # The follow-up services mail the parties at each step; the demo's made-up addresses get nothing.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            organisations: dict[str, Organisation] = {}
            new_organisations = 0
            for name, kind in ORGANISATIONS:
                organisations[name], created = ensure(Organisation, {"name": name}, {"kind": kind})
                new_organisations += created

            new_users = 0
            users: dict[str, AbstractUser] = {}
            for spec in USERS:
                user, created = ensure_user(spec)
                users[spec.username] = user
                new_users += created
                if spec.organisation and spec.role:
                    ensure(
                        Membership,
                        {"user": user, "organisation": organisations[spec.organisation]},
                        {"role": spec.role},
                    )

            new_agreements = 0
            given_focus_areas = 0
            new_follow_ups = 0
            for data in AGREEMENTS:
                agreement, created = ensure_agreement(data, organisations)
                new_agreements += created
                given_focus_areas += create_focus_areas(agreement, data, organisations, users)
                if created:
                    give_status(agreement, data.status, archivist=users["admin"])
                new_follow_ups += create_follow_ups(agreement, data, users)

        self.stdout.write(self.style.SUCCESS("Demodata för Samverkan är på plats."))
        self.stdout.write(
            f"  Organisationer: {len(ORGANISATIONS)} ({new_organisations} nya)\n"
            f"  Användare: {len(USERS)} ({new_users} nya)\n"
            f"  Överenskommelser: {len(AGREEMENTS)} ({new_agreements} nya; befintliga lämnas orörda)\n"
            f"  Fokusområden, mål och åtaganden tillagda i {given_focus_areas} av dem\n"
            f"  Årsuppföljningar: {new_follow_ups} nya (läggs bara till där uppföljning saknas)\n"
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
