"""How long the agreement PDF takes to render and how much memory it needs: the demo agreement and a large one
built for the purpose (and rolled back), with the same HTML printed by headless Chromium for comparison.

A benchmark, not a test: it prints numbers and asserts nothing. Run `python manage.py seed_demo` first to
include the demo agreement.
"""

from __future__ import annotations

import logging
import os
import re
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from agreements.models import Agreement, CooperationForum, Organisation, Party, Section, Signatory
from documents.document import build_document
from documents.pdf import agreement_pdf
from focusareas.models import ActivityRow, Commitment, FocusArea, Goal, Indicator
from followup.models import FollowUpReport, Status
from followup.pdf import annual_report_pdf
from followup.services import report_start
from samverkan.lib.pdf import logger as pdf_logger
from samverkan.lib.pdf import pdf_roots
from samverkan.lib.pdfcache import RenderedPdf

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_TIMEOUT_SECONDS = 300
DEMO_TITLE = "Samverkansöverenskommelse 2023–2026"
DEMO_PARTY = "Trelleborgs kommun"
DEMO_LABEL = "Demo agreement"
LARGE_LABEL = "Large agreement"
REPORT_LABEL = "Annual report (large)"


# --- The large agreement ---------------------------------------------------------------------------------------
# Sized to come out at about 20 pages: 12 focus areas × 10 rows of four three-sentence cells, 40 commitments,
# a goal with an indicator per focus area and an appendix of 8 sections. Cells are three short sentences on lines
# of their own, as in the municipalities' own tables: sentences of a full line each double the table's length.
# `--scale` shrinks the counts (a smoke run needs the code paths, not the pages).

FOCUS_AREA_COUNT = 12
ROWS_PER_FOCUS_AREA = 10
COMMITMENT_COUNT = 40
MUNICIPALITY = "Storåkra kommun"
POLICE_AREA = "Lokalpolisområde Storåkra"


@dataclass(frozen=True)
class Size:
    """How much the large agreement holds."""

    focus_areas: int
    rows_per_focus_area: int
    commitments: int

    @classmethod
    def scaled(cls, scale: float) -> Size:
        """The full size times `scale` (0 < scale ≤ 1), at least one of each."""
        return cls(
            focus_areas=max(1, round(FOCUS_AREA_COUNT * scale)),
            rows_per_focus_area=max(1, round(ROWS_PER_FOCUS_AREA * scale)),
            commitments=max(1, round(COMMITMENT_COUNT * scale)),
        )


@dataclass(frozen=True)
class Topic:
    title: str
    crime: str  # fits "mindre …"
    place: str  # fits "i …"
    group: str  # fits "bjuda in …"


TOPICS: tuple[Topic, ...] = (
    Topic("Trygghet i centrum", "ordningsstörningar", "centrum", "näringsidkarna"),
    Topic("Våld i nära relationer", "våld i nära relationer", "hemmen", "de våldsutsatta"),
    Topic("Unga i riskzon", "ungdomsbrott", "skolorna", "unga och deras föräldrar"),
    Topic("Narkotika", "narkotikabrott", "skolområdena", "föräldrarna"),
    Topic("Skadegörelse och klotter", "skadegörelse", "kommunens fastigheter", "fastighetsägarna"),
    Topic("Bostadsinbrott", "bostadsinbrott", "villaområdena", "grannsamverkan"),
    Topic("Trafik och buskörning", "buskörning", "bostadsområdena", "unga förare"),
    Topic("Bedrägerier mot äldre", "bedrägerier", "äldreboendena", "äldre invånare"),
    Topic("Välfärdsbrott", "välfärdsbrott", "kommunens verksamheter", "handläggarna"),
    Topic("Kollektivtrafiken", "hot och våld", "stationerna", "resenärerna"),
    Topic("Alkohol och tobak", "langning", "serveringsställena", "krögarna"),
    Topic("Offentliga miljöer", "rån och hot", "parkerna", "invånarna"),
)

ACTIVITY_SENTENCES = (
    "Kartlägga brottsläget.",
    "Trygghetsvandra.",
    "Dela lägesbilden.",
    "Följa upp förra årets.",
    "Ta fram en åtgärdslista.",
    "Bjuda in till dialog.",
    "Analysera statistiken.",
    "Planera inför sommaren.",
    "Informera invånarna.",
)
MEASURE_SENTENCES = (
    "Fler ordningsvakter.",
    "Bättre belysning.",
    "Riktad information.",
    "Fler kontroller.",
    "Kamerabevakning.",
    "Samordnad tillsyn.",
    "Stöd från socialtjänsten.",
    "Snabb sanering.",
)
FOLLOW_UP_SENTENCES = (
    "Redovisas i EST.",
    "Följs upp kvartalsvis.",
    "Insatserna räknas.",
    "Stäms av årligen.",
    "Trygghetsmätningen.",
    "Avvikelser rapporteras.",
    "Ingår i årsrapporten.",
)
GOAL_EFFECT_SENTENCES = (
    "Färre anmälda brott.",
    "Ökad trygghet.",
    "Fler brott anmäls.",
    "Snabbare insatser.",
    "Färre unga rekryteras.",
    "Färre otrygga platser.",
    "Bättre samverkan.",
)
COMMITMENT_TEXTS = (
    "genomföra gemensamma trygghetsvandringar i {place} och åtgärda det som kommer fram",
    "bjuda in {group} till dialogmöten om {crime}",
    "ta fram en lägesbild över {crime} inför varje möte i samverkansgruppen",
    "utbilda berörd personal i att upptäcka och anmäla {crime}",
    "genomföra riktade kontroller i {place} under perioder med förhöjd risk",
    "informera {group} om hur de kan skydda sig mot {crime}",
)
THIRD_PARTIES = ("", "räddningstjänsten", "", "det kommunala bostadsbolaget", "", "skolorna")
APPENDIX_HEADINGS = (
    "Bakgrund",
    "Lägesbild",
    "Organisation och ansvar",
    "Fokusområden 2025–2028",
    "Samverkansforum",
    "Uppföljning och rapportering",
    "Kommunikation",
    "Revidering av överenskommelsen",
)
PROSE_SENTENCES = (
    "Storåkra kommun och lokalpolisområde Storåkra har samverkat i det brottsförebyggande arbetet sedan 2012.",
    "Lägesbilden bygger på polisens statistik, kommunens trygghetsmätning och iakttagelser från verksamheterna.",
    "Under de senaste åren har antalet anmälda brott minskat, men otryggheten upplevs fortfarande som stor.",
    "Särskilt kvinnor och äldre avstår från att röra sig ute på kvällarna, framför allt i centrum och i parkerna.",
    "Parterna ansvarar var för sig för att de åtgärder de har åtagit sig blir genomförda och följs upp.",
    "Kommunens säkerhetsenhet samordnar arbetet och är kontaktpunkt för polisen och för andra aktörer.",
    "Kommunpolisen företräder lokalpolisområdet i samverkan och ansvarar för polisens del av lägesbilden.",
    "Arbetet ska bygga på kunskap om vad som fungerar och utvärderas mot de mål som parterna har satt upp.",
    "Föreningar, bostadsbolag och näringsidkare bjuds in när frågorna rör deras verksamhet eller område.",
    "Invånarna ska kunna ta del av överenskommelsen och av hur arbetet går, på kommunens och polisens webbplatser.",
    "Resultaten redovisas varje år för kommunstyrelsen och för lokalpolisområdets ledningsgrupp.",
    "Om lägesbilden förändras väsentligt kan parterna gemensamt besluta att revidera överenskommelsen i förtid.",
)


def _sentences(pool: tuple[str, ...], seed: int, topic: Topic) -> str:
    """Three different sentences of the pool, each on its own line, varying from row to row."""
    return "\n".join(pool[(seed + i) % len(pool)].format(**vars(topic)) for i in range(3))


def _paragraphs(count: int, seed: int) -> str:
    return "".join(
        "<p>" + " ".join(PROSE_SENTENCES[(seed + 2 * p + s) % len(PROSE_SENTENCES)] for s in range(2)) + "</p>"
        for p in range(count)
    )


def build_large_agreement(*, size: Size) -> Agreement:
    """Create the large agreement with everything in it; call inside a transaction that is rolled back."""
    municipality, _ = Organisation.objects.get_or_create(
        name=MUNICIPALITY, defaults={"kind": Organisation.Kind.MUNICIPALITY}
    )
    police, _ = Organisation.objects.get_or_create(name=POLICE_AREA, defaults={"kind": Organisation.Kind.POLICE_AREA})
    parties = (municipality, police)
    agreement = Agreement.objects.create(
        title="Samverkansöverenskommelse 2025–2028",
        start_date=date(2025, 1, 1),
        end_date=date(2028, 12, 31),
        purpose=" ".join(PROSE_SENTENCES[3:6]),
        overall_goals="\n".join(f"Färre fall av {topic.crime} i {topic.place}." for topic in TOPICS[:6]),
        standing_commitments=" ".join(PROSE_SENTENCES[4:7]),
        follow_up=" ".join(PROSE_SENTENCES[9:12]),
        signing_place="Storåkra",
    )
    for order, party in enumerate(parties):
        Party.objects.create(agreement=agreement, organisation=party, order=order)
    Signatory.objects.create(
        agreement=agreement, party=municipality, name="Anna Lindqvist", title="Kommunstyrelsens ordförande", order=0
    )
    Signatory.objects.create(
        agreement=agreement, party=police, name="Per Holmberg", title="Lokalpolisområdeschef", order=1
    )
    CooperationForum.objects.create(
        agreement=agreement,
        name="Effektiv samordning för trygghet (EST)",
        meeting_frequency="Varje vecka",
        convener="Säkerhetsenheten",
        participants="Säkerhetsenheten, förvaltningarna och kommunpolisen",
    )
    for order, heading in enumerate(("Parter", "Giltighetstid", "Ansvar")):
        Section.objects.create(
            agreement=agreement, part=Section.Part.AGREEMENT, order=order, heading=heading, body=_paragraphs(1, order)
        )
    appendix = [
        Section.objects.create(
            agreement=agreement,
            part=Section.Part.APPENDIX,
            order=order,
            heading=heading,
            body=_paragraphs(2 + order % 3, order),  # 2–4 paragraphs
        )
        for order, heading in enumerate(APPENDIX_HEADINGS)
    ]
    focus_section = appendix[APPENDIX_HEADINGS.index("Fokusområden 2025–2028")]

    focus_areas = []
    for index, topic in enumerate(TOPICS[: size.focus_areas]):
        focus_area = FocusArea.objects.create(
            agreement=agreement,
            placement=focus_section,
            title=topic.title,
            description=f"<p>Fokusområdet gäller {topic.crime} i {topic.place}.</p>",
            prioritised=index < 3,
            order=index,
        )
        focus_areas.append(focus_area)
        for row in range(size.rows_per_focus_area):
            seed = index + row * 3
            ActivityRow.objects.create(
                focus_area=focus_area,
                activity=_sentences(ACTIVITY_SENTENCES, seed, topic),
                measure=_sentences(MEASURE_SENTENCES, seed + 1, topic),
                follow_up=_sentences(FOLLOW_UP_SENTENCES, seed + 2, topic),
                goal_effect=_sentences(GOAL_EFFECT_SENTENCES, seed, topic),
                order=row,
            )
        decrease = index % 2 == 0
        goal = Goal.objects.create(
            agreement=agreement,
            focus_area=focus_area,
            kind=Goal.Kind.EFFECT if decrease else Goal.Kind.RESULT,
            text=f"Antalet anmälda fall av {topic.crime} ska minska"
            if decrease
            else f"Andelen av {topic.group} som känner sig trygga i {topic.place} ska öka",
        )
        Indicator.objects.create(
            goal=goal,
            name=f"Anmälda fall av {topic.crime}" if decrease else f"Trygghet i {topic.place}",
            source=Indicator.Source.REPORTED_CRIME if decrease else Indicator.Source.SAFETY_SURVEY,
            unit="anmälningar" if decrease else "procent",
            direction=Indicator.Direction.DECREASE if decrease else Indicator.Direction.INCREASE,
            baseline_year=2024,
            baseline_value=Decimal(120 + 7 * index) if decrease else Decimal(62),
            target_value=Decimal(100 + 5 * index) if decrease else Decimal(75),
        )

    for index in range(size.commitments):
        # Dealt out over the focus areas in turn; `variant` makes the commitments of one focus area differ.
        area, variant = index % len(focus_areas), index // len(focus_areas) + index
        focus_area, topic = focus_areas[area], TOPICS[area]
        # About a third are joint; the others alternate between the parties.
        who = list(parties) if variant % 3 == 0 else [parties[variant % 2]]
        with_target = index % 4 == 1
        commitment = Commitment.objects.create(
            agreement=agreement,
            focus_area=focus_area,
            text=COMMITMENT_TEXTS[variant % len(COMMITMENT_TEXTS)].format(**vars(topic)),
            responsible_role="samverkansgruppen"
            if len(who) > 1
            else ("säkerhetssamordnaren" if who[0] == municipality else "kommunpolisen"),
            target_value=4 + index if with_target else None,
            target_unit="tillfällen" if with_target else "",
            target_scope=Commitment.TargetScope.PER_YEAR if with_target else "",
            timing="under vår och höst" if index % 2 else "",
            place=topic.place.capitalize() if index % 5 == 0 else "",
            third_parties=THIRD_PARTIES[index % len(THIRD_PARTIES)],
            order=index,
        )
        commitment.parties.set(who)
    return agreement


def describe_large_agreement(agreement: Agreement, *, size: Size) -> str:
    commitments = Commitment.objects.filter(agreement=agreement)
    joint = sum(1 for c in commitments.prefetch_related("parties") if len(c.parties.all()) > 1)
    return (
        f"{FocusArea.objects.filter(agreement=agreement).count()} focus areas × "
        f"{size.rows_per_focus_area} activity rows, "
        f"{commitments.count()} commitments ({joint} joint, "
        f"{commitments.filter(target_value__isnull=False).count()} with targets), "
        f"{Goal.objects.filter(agreement=agreement).count()} goals with indicators, "
        f"{agreement.sections.filter(part=Section.Part.APPENDIX).count()} appendix sections, "
        f"{agreement.signatories.count()} signatories"
    )


# --- Measuring -------------------------------------------------------------------------------------------------


@dataclass
class Series:
    """One document rendered by one engine: a first render, then the timed runs."""

    document: str
    engine: str
    pages: int
    size: int
    first: float
    runs: list[float]
    peak: int | None = None  # MiB: the most resident memory of a render's forked child, over all runs
    forked_with: int | None = None  # MiB: what that child held when it was forked (the worker's pages it shares)
    cpu: list[float] = field(default_factory=list)  # s: the processor time of each timed run's child


class RenderMemory(logging.Handler):
    """Collects what each render's child reports of its memory and processor time (samverkan.lib.pdf logs it at INFO
    once a render is done): the child's own high-water mark, which this process's resident memory does not include,
    and its CPU seconds, which change much less than the time taken when others load the machine."""

    def __init__(self) -> None:
        super().__init__()
        self.peaks: list[int] = []
        self.forked_with: list[int] = []
        self.cpu: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "peak_rss_mib", None) is not None:
            self.peaks.append(record.peak_rss_mib)
            self.forked_with.append(record.forked_rss_mib)
            self.cpu.append(record.cpu_seconds)

    @contextmanager
    def collecting(self) -> Iterator[RenderMemory]:
        level = pdf_logger.level
        pdf_logger.setLevel(logging.INFO)
        pdf_logger.addHandler(self)
        try:
            yield self
        finally:
            pdf_logger.removeHandler(self)
            pdf_logger.setLevel(level)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def weasyprint_series(label: str, render: Callable[[], bytes], runs: int) -> Series:
    def laid_out() -> bytes:
        RenderedPdf.objects.all().delete()  # every run lays the document out, as a changed draft would be
        return render()

    with RenderMemory().collecting() as memory:
        first, pdf = timed(laid_out)
        times = []
        for _ in range(runs):
            elapsed, pdf = timed(laid_out)
            times.append(elapsed)
    return Series(
        label,
        "WeasyPrint",
        page_count(pdf),
        len(pdf),
        first,
        times,
        max(memory.peaks, default=None),
        max(memory.forked_with, default=None),
        memory.cpu[1:],  # the timed runs' (the first render is not timed)
    )


def filled_in_follow_up(agreement: Agreement) -> FollowUpReport:
    """Two years of follow-up of the (signed) large agreement, the second filled in: the annual report to time."""
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    agreement.refresh_from_db()
    year = agreement.start_date.year
    for report_year in (year, year + 1):
        report = report_start(agreement=agreement, year=report_year, copy_previous=report_year > year)
        statuses = [choice for choice, _ in Status.choices]
        for n, outcome in enumerate(report.commitment_outcomes.all()):
            outcome.status, outcome.achieved = statuses[n % len(statuses)], n % 7
            outcome.save(update_fields=["status", "achieved"])
        for n, value in enumerate(report.indicator_values.all()):
            value.value = 100 + 7 * n - 5 * (report_year - year)
            value.save(update_fields=["value"])
    return report


def agreement_html(agreement: Agreement) -> str:
    """The HTML that documents.pdf.agreement_pdf gives WeasyPrint, built the same way: keep the two in step."""
    document = build_document(agreement)
    municipalities = [p.name for p in document.parties if p.kind == Organisation.Kind.MUNICIPALITY]
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "agreements/pdf/agreement.html",
            {
                "agreement": agreement,
                "document": document,
                "organisation": ", ".join(municipalities) or document.parties[0].name,
                "draft": not agreement.is_frozen,
            },
        )


def with_file_urls(html: str) -> str:
    """Point `/static/…` and `/media/…` links at the folders WeasyPrint reads them from, as file: URLs, so that
    Chromium loads the same fonts from a page opened from disk."""
    roots = pdf_roots()
    prefixes = "|".join(re.escape(prefix) for prefix in roots)
    # Only where a URL begins (after a quote or "url("), so the agreement's running text is left alone.
    return re.sub(rf"(?<=[\"'(])({prefixes})", lambda m: Path(roots[m.group(1)]).resolve().as_uri() + "/", html)


def chromium_series(label: str, html: str, runs: int) -> Series:
    with tempfile.TemporaryDirectory(prefix="benchmark-pdf-") as folder:
        page = Path(folder) / "agreement.html"
        page.write_text(with_file_urls(html), encoding="utf-8")
        output = Path(folder) / "agreement.pdf"
        command = [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-pdf-header-footer",
            # A profile of its own: the user's is left alone, and the first run pays for creating it as a
            # first start would.
            f"--user-data-dir={Path(folder) / 'profile'}",
            f"--print-to-pdf={output}",
            page.as_uri(),
        ]

        def print_once() -> bytes:
            output.unlink(missing_ok=True)
            finished = subprocess.run(  # noqa: S603 -- a fixed executable and arguments we build ourselves
                command, capture_output=True, timeout=CHROMIUM_TIMEOUT_SECONDS, check=False
            )
            if finished.returncode or not output.exists():
                tail = finished.stderr.decode(errors="replace").strip().splitlines()[-3:]
                raise CommandError(f"Chromium failed ({finished.returncode}): {' | '.join(tail)}")
            return output.read_bytes()

        first, pdf = timed(print_once)
        times, cpu = [], []
        for _ in range(runs):
            before = children_cpu()
            elapsed, pdf = timed(print_once)
            times.append(elapsed)
            cpu.append(children_cpu() - before)
    return Series(label, "Chromium", page_count(pdf), len(pdf), first, times, cpu=cpu)


def children_cpu() -> float:
    """The processor time of this process's children that have ended: a Chromium run's browser, renderer and other
    processes, each of which Chromium waits for before it ends."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- Output ----------------------------------------------------------------------------------------------------


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def table(series: list[Series]) -> list[str]:
    header = (
        "Document",
        "Engine",
        "Pages",
        "Size KiB",
        "First s",
        "Median s",
        "Min s",
        "CPU s",
        "Peak RSS MiB (forked with)",
    )
    rows = [
        (
            s.document,
            s.engine,
            str(s.pages),
            f"{s.size / 1024:.0f}",
            f"{s.first:.2f}",
            f"{statistics.median(s.runs):.2f}",
            f"{min(s.runs):.2f}",
            f"{statistics.median(s.cpu):.2f}" if s.cpu else "–",
            "–" if s.engine != "WeasyPrint" else f"{_mib(s.peak)} ({_mib(s.forked_with)})",
        )
        for s in series
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        # Names to the left, numbers to the right.
        return "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [line(header), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


class Command(BaseCommand):
    """Benchmark the agreement PDF: render time, pages, size and memory, with Chromium for comparison."""

    help = (
        "Time the agreement PDF (WeasyPrint, as the product renders it) for the demo agreement and a large one "
        "built and rolled back, and print the same HTML with headless Chromium for comparison."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=5, help="timed renders per document and engine (default 5)")
        parser.add_argument("--skip-chromium", action="store_true", help="do not print with Chromium")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="size of the large agreement, as a share of its full 20 pages or so (0 < scale <= 1; default 1)",
        )

    def handle(self, *args: Any, runs: int, skip_chromium: bool, scale: float, **options: Any) -> None:
        if runs < 1:
            raise CommandError("--runs must be at least 1")
        if not 0 < scale <= 1:
            raise CommandError("--scale must be above 0 and at most 1")
        size = Size.scaled(scale)
        chromium = not skip_chromium
        if chromium and not CHROMIUM.exists():
            self.stdout.write(f"Chromium not found at {CHROMIUM}: comparison skipped.")
            chromium = False
        # Other work on the machine slows every engine alike; the load says how much to trust the numbers.
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        self.stdout.write(
            f"Each document and engine: one first render, then {runs} timed run{'s' * (runs != 1)} "
            f"(median and min over those). Load average {load:.2f} on {os.cpu_count()} CPUs."
        )
        results: list[Series] = []

        demo = (
            Agreement.objects.filter(title=DEMO_TITLE, party_links__organisation__name=DEMO_PARTY)
            .order_by("pk")
            .first()
        )
        if demo is None:
            self.stdout.write(
                f"{DEMO_LABEL}: no “{DEMO_TITLE}” with {DEMO_PARTY} as a party; run `python manage.py seed_demo` "
                "to include it. Skipped."
            )
        else:
            self.stdout.write(f"{DEMO_LABEL}: #{demo.pk} “{demo.title}” ({demo.status}).")
            results += self.measure(DEMO_LABEL, demo, runs, chromium)

        with transaction.atomic():
            built, large = timed(lambda: build_large_agreement(size=size))
            self.stdout.write(
                f"{LARGE_LABEL}: {describe_large_agreement(large, size=size)}; built in {built:.1f} s inside a "
                "transaction that is rolled back."
            )
            results += self.measure(LARGE_LABEL, large, runs, chromium)
            report = filled_in_follow_up(large)
            results.append(weasyprint_series(REPORT_LABEL, lambda: annual_report_pdf(report), runs))
            # The large agreement exists only to be measured: leave the database as it was. (Had anything above
            # failed, the exception would have rolled it back just the same.)
            transaction.set_rollback(True)

        self.stdout.write("")
        for row in table(results):
            self.stdout.write(row)
        self.stdout.write("")
        self.stdout.write(
            "First: the first render of that document in this process (the very first WeasyPrint render also "
            "loads the fonts); each Chromium run is a new browser process."
        )
        self.stdout.write(
            "CPU: the median processor time of a timed render's child (WeasyPrint) or of the processes of a run that "
            "Chromium waited for (Chromium), which others' load on the machine changes much less than the time taken."
        )
        self.stdout.write(
            "Peak RSS: the most resident memory of the child process a render runs in (Linux VmHWM, reset when it "
            "is forked), over all its runs; in brackets what it held when forked, the pages it shares with this "
            "process. Chromium runs in processes of its own and is not measured."
        )

    def measure(self, label: str, agreement: Agreement, runs: int, chromium: bool) -> list[Series]:
        results = [weasyprint_series(label, lambda: agreement_pdf(agreement), runs)]
        if chromium:
            results.append(chromium_series(label, agreement_html(agreement), runs))
        return results
