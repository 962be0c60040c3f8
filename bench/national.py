"""A plausible Sweden for measuring the pages at national scale: 290 municipalities under about 90 local police
areas, their agreements over two periods in all three shapes, four years of follow-up, reviews, archived PDFs and
users per organisation.

Everything is written with `bulk_create` (agreement content with its history records, as if typed in), so the
whole country takes minutes; the PDFs are rendered once (one signed agreement, one approved report) and the same
bytes, with their checksum, are the archive of every signed agreement and approved report. The same seed gives
the same country.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from simple_history.utils import bulk_create_with_history

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
from documents.pdf import agreement_pdf
from focusareas.models import (
    ActivityRow,
    Commitment,
    FocusArea,
    FocusAreaSection,
    Goal,
    Indicator,
    ReviewEntry,
)
from followup.models import (
    ActivityOutcome,
    ArchivedReport,
    CommitmentOutcome,
    FocusAreaSummary,
    FollowUpReport,
    IndicatorValue,
    PartyComment,
    Status,
)
from followup.pdf import annual_report_pdf

User = get_user_model()
PASSWORD = "samverkan-national"  # noqa: S105 -- a generated test country's, printed for the benchmark
MUNICIPALITIES = 290
MUNICIPALITIES_PER_POLICE_AREA = 3.2
HOUSING_COMPANIES = 36
# Neighbouring municipalities that share one agreement with their police area, as some do.
SHARED_AGREEMENT_EVERY = 17
PERIODS = ((date(2019, 1, 1), date(2022, 12, 31)), (date(2023, 1, 1), date(2026, 12, 31)))
FOLLOW_UP_YEARS = 4
# The apps whose tables must be empty before a country is generated (a fresh, migrated database).
OWN_APPS = ("agreements", "focusareas", "followup", "auth")

FIRST = (
    "Al", "Ber", "Bjär", "Dal", "Ek", "Fal", "Gran", "Hag", "Hälle", "Kar", "Lind", "Lö", "Malm", "Norr", "Ny",
    "Ox", "Ring", "Rosen", "Sand", "Sköv", "Sten", "Strand", "Sund", "Tall", "Ulf", "Vall", "Vä", "Åker", "Ös", "Ör",
)  # fmt: skip
SECOND = ("sjö", "berg", "köping", "holm", "by", "ås", "vik", "torp", "hult", "stad")
TOPICS = (
    ("Trygghet i centrum", "ordningsstörningar", "centrum"),
    ("Våld i nära relationer", "våld i nära relationer", "hemmen"),
    ("Unga i riskzon", "ungdomsbrott", "skolorna"),
    ("Narkotika", "narkotikabrott", "skolområdena"),
    ("Skadegörelse och klotter", "skadegörelse", "kommunens fastigheter"),
    ("Bostadsinbrott", "bostadsinbrott", "villaområdena"),
    ("Trafik och buskörning", "buskörning", "bostadsområdena"),
    ("Bedrägerier mot äldre", "bedrägerier", "äldreboendena"),
    ("Välfärdsbrott", "välfärdsbrott", "kommunens verksamheter"),
    ("Kollektivtrafiken", "hot och våld", "stationerna"),
    ("Alkohol och tobak", "langning", "serveringsställena"),
    ("Offentliga miljöer", "rån och hot", "parkerna"),
    ("Misshandel", "misshandel", "nöjeslivet"),
    ("Olaga hot och ofredande", "olaga hot", "sociala medier"),
)
CELL_LINES = (
    "Kartlägga brottsläget.", "Trygghetsvandra.", "Dela lägesbilden.", "Följa upp förra årets insatser.",
    "Ta fram en åtgärdslista.", "Bjuda in till dialog.", "Analysera statistiken.", "Planera inför sommaren.",
    "Fler ordningsvakter.", "Bättre belysning.", "Riktad information.", "Samordnad tillsyn.",
    "Redovisas i EST.", "Följs upp kvartalsvis.", "Stäms av årligen.", "Ingår i årsrapporten.",
    "Färre anmälda brott.", "Ökad trygghet.", "Snabbare insatser.", "Färre otrygga platser.",
)  # fmt: skip
COMMITMENT_TEXTS = (
    "genomföra gemensamma trygghetsvandringar i {place} och åtgärda det som kommer fram",
    "bjuda in berörda till dialogmöten om {crime}",
    "ta fram en lägesbild över {crime} inför varje möte i samverkansgruppen",
    "utbilda berörd personal i att upptäcka och anmäla {crime}",
    "genomföra riktade kontroller i {place} under perioder med förhöjd risk",
    "informera invånarna om hur de kan skydda sig mot {crime}",
)
PROSE = (
    "Kommunen och lokalpolisområdet har samverkat i det brottsförebyggande arbetet i många år.",
    "Lägesbilden bygger på polisens statistik, trygghetsmätningen och iakttagelser från verksamheterna.",
    "Antalet anmälda brott har minskat, men otryggheten upplevs fortfarande som stor på kvällarna.",
    "Parterna ansvarar var för sig för att de åtgärder de har åtagit sig genomförs och följs upp.",
    "Säkerhetsenheten samordnar arbetet och är kontaktpunkt för polisen och för andra aktörer.",
    "Arbetet ska bygga på kunskap om vad som fungerar och utvärderas mot de mål parterna har satt upp.",
)
AGREEMENT_HEADINGS = ("Parter", "Syfte", "Bakgrund", "Åtaganden", "Uppföljning", "Giltighetstid")
APPENDIX_HEADINGS = (
    "Bakgrund och uppdrag", "Ansvar", "Lägesbild", "Brottsstatistik", "Trygghetsmätning", "Medborgardialoger",
    "Fokusområden", "Samverkansforum", "Uppföljning och utvärdering", "Kommunikation", "Revidering",
)  # fmt: skip
# The sections of Bilaga 1 that have two subsections each, and the one the focus areas are placed under.
APPENDIX_WITH_CHILDREN = (2, 8)
FOCUS_AREA_SECTION = 6


class NotEmpty(Exception):
    """The database already holds data: the country is generated only into an empty one."""


@dataclass(frozen=True)
class Scale:
    """How much of the country to generate."""

    municipalities: int
    police_areas: int
    housing_companies: int

    @classmethod
    def of(cls, scale: float) -> Scale:
        municipalities = max(2, round(MUNICIPALITIES * scale))
        return cls(
            municipalities=municipalities,
            police_areas=max(1, round(municipalities / MUNICIPALITIES_PER_POLICE_AREA)),
            housing_companies=max(1, round(HOUSING_COMPANIES * scale)),
        )


@dataclass
class Country:
    """What was generated, counted; `large_draft` is the biggest draft (the workbench to measure)."""

    counts: dict[str, int] = field(default_factory=dict)
    large_draft: int | None = None


def refuse_unless_empty() -> None:
    """Refuse a database with any row in the product's tables (migrations leave them empty)."""
    for label in OWN_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.proxy or not model._meta.managed or model._meta.model_name in ("permission", "group"):
                continue
            if model.objects.exists():
                raise NotEmpty(f"{model._meta.label} has rows: generate_national runs only on an empty database.")


def municipality_names(count: int, rng: random.Random) -> list[str]:
    names = [f"{first}{second}" for first in FIRST for second in SECOND]
    rng.shuffle(names)
    return [f"{name} kommun" for name in names[:count]]


class Builder:
    """Writes the country table by table; every list is in creation order, so the seed decides everything."""

    def __init__(self, scale: Scale, seed: int, progress: Callable[[str], None]) -> None:
        self.scale, self.rng, self.progress = scale, random.Random(seed), progress  # noqa: S311 -- made-up data, repeatable per seed
        self.country = Country()

    def key(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def lines(self, count: int) -> str:
        return "\n".join(self.rng.sample(CELL_LINES, count))

    def prose(self, sentences: int) -> str:
        return "<p>" + " ".join(self.rng.choice(PROSE) for _ in range(sentences)) + "</p>"

    def create(self, model: type[models.Model], objects: list, *, history: bool = True) -> list:
        if history:
            created = bulk_create_with_history(objects, model, batch_size=2000, default_user=self.admin)
        else:
            created = model.objects.bulk_create(objects, batch_size=2000)
        self.country.counts[model.__name__] = self.country.counts.get(model.__name__, 0) + len(created)
        return created

    # --- organisations and users -------------------------------------------------------------------------------

    def organisations(self) -> None:
        names = municipality_names(self.scale.municipalities, self.rng)
        self.municipalities = self.create(
            Organisation, [Organisation(name=name, kind=Organisation.Kind.MUNICIPALITY) for name in names]
        )
        # Each police area takes the next few municipalities and is named after the first of them.
        self.police_of: dict[int, Organisation] = {}
        per_area = len(self.municipalities) / self.scale.police_areas
        areas = []
        for index in range(self.scale.police_areas):
            first = self.municipalities[round(index * per_area)].name.removesuffix(" kommun")
            areas.append(Organisation(name=f"Lokalpolisområde {first}", kind=Organisation.Kind.POLICE_AREA))
        self.police_areas = self.create(Organisation, areas)
        for index, municipality in enumerate(self.municipalities):
            self.police_of[municipality.pk] = self.police_areas[min(int(index / per_area), len(areas) - 1)]
        self.housing = self.create(
            Organisation,
            [
                Organisation(
                    name=f"{self.municipalities[i % len(names)].name.removesuffix(' kommun')}hem AB",
                    kind=Organisation.Kind.OTHER,
                )
                for i in range(self.scale.housing_companies)
            ],
        )

    def users(self) -> None:
        password = self.password
        roles = (
            [(m, Membership.Role.EDITOR, 2) for m in self.municipalities]
            + [(m, Membership.Role.READER, 2) for m in self.municipalities]
            + [(p, Membership.Role.REVIEWER, 5) for p in self.police_areas]
            + [(h, Membership.Role.EDITOR, 1) for h in self.housing]
        )
        users, memberships = [], []
        for organisation, role, count in roles:
            for n in range(1, count + 1):
                username = f"{role}-{organisation.pk}-{n}"
                users.append(User(username=username, password=password, email=f"{username}@example.se"))
                memberships.append((organisation, role))
        users = User.objects.bulk_create(users, batch_size=2000)
        self.create(
            Membership,
            [Membership(user=u, organisation=o, role=r) for u, (o, r) in zip(users, memberships, strict=True)],
        )
        User.objects.create(username="staff", password=password, is_staff=True, email="staff@example.se")
        self.country.counts["User"] = User.objects.count()

    # --- agreements --------------------------------------------------------------------------------------------

    def agreements(self) -> None:
        """Two periods per municipality (or pair of neighbours sharing an agreement): the earlier one ended, the
        current one signed, in review or a draft."""
        groups, index = [], 0
        while index < len(self.municipalities):
            take = 2 if index % SHARED_AGREEMENT_EVERY == 5 and index + 1 < len(self.municipalities) else 1
            groups.append(self.municipalities[index : index + take])
            index += take
        plans = []
        for number, group in enumerate(groups):
            police = self.police_of[group[0].pk]
            housing = [self.housing[number % len(self.housing)]] if number % 9 == 4 else []
            place = " och ".join(m.name.removesuffix(" kommun") for m in group)
            for period, (start, end) in enumerate(PERIODS):
                if period == 0 and number % 25 == 24:
                    continue  # a municipality whose first agreement is the current one
                status = (
                    Agreement.Status.ENDED
                    if period == 0
                    else self.rng.choices(
                        [Agreement.Status.SIGNED, Agreement.Status.REVIEW, Agreement.Status.DRAFT], [6, 2, 2]
                    )[0]
                )
                shape = ("table", "prose", "commitments")[(number + period) % 3]
                plans.append((group, police, housing, place, start, end, status, shape))
        if not any(plan[6] == Agreement.Status.DRAFT for plan in plans):  # a small country may have drawn none
            plans[-1] = (*plans[-1][:6], Agreement.Status.DRAFT, plans[-1][7])
        # The first current draft is made the large one: a whole country's worth of detail in one agreement.
        large = next(i for i, plan in enumerate(plans) if plan[6] == Agreement.Status.DRAFT)
        self.plans = plans
        agreements = [
            Agreement(
                title=f"Samverkansöverenskommelse {place} {start.year}–{end.year}",
                status=status,
                start_date=start,
                end_date=end,
                purpose=self.prose(2)[3:-4],
                overall_goals="Minskad brottslighet.\nÖkad trygghet.\nFler brott anmäls.",
                standing_commitments="Kommun och polis åtar sig att varje vecka närvara på möte i EST.",
                follow_up="Överenskommelsen följs upp varje år och redovisas för kommunstyrelsen.",
                signing_place="Kommunhuset" if status in Agreement.FROZEN_STATUSES else "",
                signing_date=date(start.year, 1, 15) if status in Agreement.FROZEN_STATUSES else None,
            )
            for (group, police, housing, place, start, end, status, shape) in plans
        ]
        self.agreement_list = self.create(Agreement, agreements)
        self.country.large_draft = self.agreement_list[large].pk
        parties, signatories, forums = [], [], []
        for agreement, (group, police, housing, *_rest) in zip(self.agreement_list, plans, strict=True):
            signed = agreement.status in Agreement.FROZEN_STATUSES
            for order, organisation in enumerate([*group, police, *housing]):
                parties.append(Party(agreement=agreement, organisation=organisation, order=order))
                signatories.append(
                    Signatory(
                        agreement=agreement,
                        party=organisation,
                        name=f"Signatär {organisation.pk}",
                        title="Lokalpolisområdeschef"
                        if organisation.kind == Organisation.Kind.POLICE_AREA
                        else "Kommunstyrelsens ordförande",
                        order=order,
                        signed_on=agreement.signing_date if signed else None,
                    )
                )
            forums.append(
                CooperationForum(
                    agreement=agreement,
                    name="Samverkansgruppen",
                    meeting_frequency="varje vecka",
                    convener="Säkerhetssamordnaren",
                    participants="Säkerhetsenheten, kommunpolisen, socialtjänsten",
                )
            )
        self.create(Party, parties)
        self.create(Signatory, signatories)
        self.create(CooperationForum, forums)

    def sections(self) -> None:
        top = []
        for agreement in self.agreement_list:
            for order, heading in enumerate(AGREEMENT_HEADINGS):
                top.append(
                    Section(
                        agreement=agreement,
                        part=Section.Part.AGREEMENT,
                        heading=heading,
                        body=self.prose(2),
                        order=order,
                        key=self.key(),
                    )
                )
            for order, heading in enumerate(APPENDIX_HEADINGS):
                top.append(
                    Section(
                        agreement=agreement,
                        part=Section.Part.APPENDIX,
                        heading=heading,
                        body=self.prose(4),
                        order=order,
                        key=self.key(),
                    )
                )
        top = self.create(Section, top)
        per_agreement = len(AGREEMENT_HEADINGS) + len(APPENDIX_HEADINGS)
        children, self.placement = [], {}
        for index, agreement in enumerate(self.agreement_list):
            appendix = top[index * per_agreement + len(AGREEMENT_HEADINGS) :][: len(APPENDIX_HEADINGS)]
            self.placement[agreement.pk] = appendix[FOCUS_AREA_SECTION]
            for parent_index in APPENDIX_WITH_CHILDREN:
                for order in range(2):
                    children.append(
                        Section(
                            agreement=agreement,
                            part=Section.Part.APPENDIX,
                            parent=appendix[parent_index],
                            heading=f"{appendix[parent_index].heading} del {order + 1}",
                            body=self.prose(3),
                            order=order,
                            key=self.key(),
                        )
                    )
        self.create(Section, children)

    def focus_areas(self) -> None:
        """Per shape: activity tables (many rows), prose with subsections, or commitments per party; each focus
        area with an effect goal measured by an indicator."""
        areas, self.area_plan = [], []
        for agreement, plan in zip(self.agreement_list, self.plans, strict=True):
            shape = plan[7]
            large = agreement.pk == self.country.large_draft
            count = 14 if large else self.rng.randint(5, 9)
            for order, topic in enumerate(self.rng.sample(TOPICS, count)):
                areas.append(
                    FocusArea(
                        agreement=agreement,
                        placement=self.placement[agreement.pk],
                        group_heading="Brottsstatistik" if shape == "table" and order < 3 else "",
                        title=topic[0],
                        description=self.prose(2 if shape == "prose" else 1),
                        prioritised=order == 0,
                        key=self.key(),
                        order=order,
                    )
                )
                self.area_plan.append((agreement, plan, topic, "table" if large else shape, large))
        areas = self.create(FocusArea, areas)
        goals = [
            Goal(
                agreement=agreement,
                focus_area=area,
                kind=Goal.Kind.EFFECT,
                text=f"Antalet anmälda fall av {topic[1]} ska minska",
                key=self.key(),
            )
            for area, (agreement, _plan, topic, _shape, _large) in zip(areas, self.area_plan, strict=True)
        ]
        goals = self.create(Goal, goals)
        self.create(
            Indicator,
            [
                Indicator(
                    goal=goal,
                    name=f"Anmälda fall av {goal.focus_area.title.lower()}",
                    source=Indicator.Source.REPORTED_CRIME,
                    unit="anmälningar",
                    direction=Indicator.Direction.DECREASE,
                    baseline_year=goal.agreement.start_date.year - 1,
                    baseline_value=Decimal(self.rng.randint(40, 400)),
                    target_value=Decimal(self.rng.randint(20, 39)),
                )
                for goal in goals
            ],
        )
        rows, area_sections, commitments, commitment_parties = [], [], [], []
        for area, goal, (agreement, plan, topic, shape, large) in zip(areas, goals, self.area_plan, strict=True):
            group, police, housing = plan[0], plan[1], plan[2]
            row_count = {"table": 12 if large else self.rng.randint(12, 24), "prose": 5, "commitments": 2}[shape]
            for order in range(row_count):
                rows.append(
                    (
                        ActivityRow(
                            focus_area=area,
                            activity=self.lines(3),
                            measure=self.lines(2),
                            follow_up=self.lines(2),
                            goal_effect=self.lines(2),
                            key=self.key(),
                            order=order,
                        ),
                        goal,
                    )
                )
            if shape == "prose":
                for order, heading in enumerate(("Lägesbild", "Insatser")):
                    area_sections.append(
                        FocusAreaSection(
                            focus_area=area, heading=heading, body=self.prose(3), key=self.key(), order=order
                        )
                    )
            commitment_count = {"table": 3 if large else 1, "prose": 3, "commitments": self.rng.randint(5, 9)}[shape]
            for order in range(commitment_count):
                who = [*group, police] if order % 3 == 0 else [(group[0], police)[order % 2]]
                if housing and order == 1:
                    who.append(housing[0])
                with_target = order % 3 == 1
                reviewed = agreement.status != Agreement.Status.DRAFT
                commitments.append(
                    Commitment(
                        agreement=agreement,
                        focus_area=area,
                        text=self.rng.choice(COMMITMENT_TEXTS).format(crime=topic[1], place=topic[2]),
                        responsible_role="kommunpolisen" if who == [police] else "säkerhetssamordnaren",
                        target_value=self.rng.randint(2, 12) if with_target else None,
                        target_unit="tillfällen" if with_target else "",
                        target_scope=Commitment.TargetScope.PER_YEAR if with_target else "",
                        timing="under våren och hösten" if order % 2 else "",
                        place=topic[2].capitalize() if order % 4 == 0 else "",
                        key=self.key(),
                        order=order,
                        review_status=Commitment.ReviewStatus.ACCEPTED if reviewed else Commitment.ReviewStatus.OPEN,
                    )
                )
                commitment_parties.append((who, goal))
        created_rows = self.create(ActivityRow, [row for row, _goal in rows])
        ActivityRow.goals.through.objects.bulk_create(
            [
                ActivityRow.goals.through(activityrow=row, goal=goal)
                for row, (_row, goal) in zip(created_rows, rows, strict=True)
            ],
            batch_size=5000,
        )
        self.create(FocusAreaSection, area_sections)
        commitments = self.create(Commitment, commitments)
        Commitment.parties.through.objects.bulk_create(
            [
                Commitment.parties.through(commitment=commitment, organisation=organisation)
                for commitment, (who, _goal) in zip(commitments, commitment_parties, strict=True)
                for organisation in who
            ],
            batch_size=5000,
        )
        Commitment.goals.through.objects.bulk_create(
            [
                Commitment.goals.through(commitment=commitment, goal=goal)
                for commitment, (_who, goal) in zip(commitments, commitment_parties, strict=True)
            ],
            batch_size=5000,
        )
        self.commitment_parties = {c.pk: who for c, (who, _goal) in zip(commitments, commitment_parties, strict=True)}
        self.reviews(commitments)

    def reviews(self, commitments: list[Commitment]) -> None:
        """Every commitment of an agreement past its draft accepted by a reviewer of its police area, one in five
        after a change request answered by the municipality."""
        reviewer = {
            m.organisation_id: m.user_id
            for m in Membership.objects.filter(role=Membership.Role.REVIEWER).order_by("user_id")
        }
        editor = {
            m.organisation_id: m.user_id
            for m in Membership.objects.filter(role=Membership.Role.EDITOR).order_by("user_id")
        }
        plan_of = {agreement.pk: plan for agreement, plan in zip(self.agreement_list, self.plans, strict=True)}
        entries = []
        for index, commitment in enumerate(commitments):
            if commitment.review_status != Commitment.ReviewStatus.ACCEPTED:
                continue
            group, police = plan_of[commitment.agreement_id][:2]
            if index % 5 == 0:
                entries.append(
                    ReviewEntry(
                        commitment=commitment,
                        author_id=reviewer[police.pk],
                        kind=ReviewEntry.Kind.CHANGE_REQUESTED,
                        text="Kan ni ange ett mål i antal?",
                    )
                )
                entries.append(
                    ReviewEntry(
                        commitment=commitment,
                        author_id=editor[group[0].pk],
                        kind=ReviewEntry.Kind.REVISED,
                        text="Målet är tillagt.",
                    )
                )
            entries.append(ReviewEntry(commitment=commitment, author_id=reviewer[police.pk], kind="accepted"))
        self.create(ReviewEntry, entries, history=False)

    # --- follow-up and archive ---------------------------------------------------------------------------------

    def follow_up(self) -> None:
        """Four years of every signed agreement: the earlier period's all approved, the current period's approved
        but for this year's, which is being filled in."""
        reports = []
        for agreement in self.agreement_list:
            if agreement.status not in Agreement.FROZEN_STATUSES:
                continue
            for year in range(agreement.start_date.year, agreement.start_date.year + FOLLOW_UP_YEARS):
                approved = year < PERIODS[1][1].year
                reports.append(
                    FollowUpReport(
                        agreement=agreement,
                        year=year,
                        stage=FollowUpReport.Stage.APPROVED if approved else FollowUpReport.Stage.DRAFT,
                        summary=self.prose(2)[3:-4],
                        conclusions=self.prose(1)[3:-4],
                        approved_on=date(year + 1, 3, 20) if approved else None,
                        case_number=f"KS {year + 1}/{self.rng.randint(10, 999)}" if approved else "",
                    )
                )
        reports = self.create(FollowUpReport, reports)
        by_agreement: dict[int, list[FollowUpReport]] = {}
        for report in reports:
            by_agreement.setdefault(report.agreement_id, []).append(report)
        statuses = [choice for choice, _ in Status.choices]
        commitments = Commitment.objects.filter(agreement_id__in=by_agreement).values_list("pk", "agreement_id")
        rows = ActivityRow.objects.filter(focus_area__agreement_id__in=by_agreement).values_list(
            "pk", "focus_area__agreement_id"
        )
        indicators = Indicator.objects.filter(goal__agreement_id__in=by_agreement).values_list(
            "pk", "goal__agreement_id", "baseline_value"
        )
        areas = FocusArea.objects.filter(agreement_id__in=by_agreement).values_list("pk", "agreement_id")
        outcomes, comment_parties = [], []
        for pk, agreement_id in commitments.order_by("pk"):
            for report in by_agreement[agreement_id]:
                outcomes.append(
                    CommitmentOutcome(
                        report=report,
                        commitment_id=pk,
                        status=self.rng.choice(statuses),
                        achieved=self.rng.randint(0, 12),
                    )
                )
                comment_parties.append(self.commitment_parties[pk])
        outcomes = self.create(CommitmentOutcome, outcomes, history=False)
        self.create(
            PartyComment,
            [
                PartyComment(outcome=outcome, party=party, text=self.rng.choice(CELL_LINES))
                for outcome, who in zip(outcomes, comment_parties, strict=True)
                for party in who
            ],
            history=False,
        )
        self.create(
            ActivityOutcome,
            [
                ActivityOutcome(
                    report=report, row_id=pk, status=self.rng.choice(statuses), comment=self.rng.choice(CELL_LINES)
                )
                for pk, agreement_id in rows.order_by("pk")
                for report in by_agreement[agreement_id]
            ],
            history=False,
        )
        self.create(
            IndicatorValue,
            [
                IndicatorValue(
                    report=report,
                    indicator_id=pk,
                    value=baseline - 3 * (report.year - report.agreement.start_date.year) - self.rng.randint(-5, 5),
                    source="Polisens statistik",
                )
                for pk, agreement_id, baseline in indicators.order_by("pk")
                for report in by_agreement[agreement_id]
            ],
            history=False,
        )
        self.create(
            FocusAreaSummary,
            [
                FocusAreaSummary(report=report, focus_area_id=pk, summary=self.prose(1)[3:-4])
                for pk, agreement_id in areas.order_by("pk")
                for report in by_agreement[agreement_id]
            ],
            history=False,
        )
        self.reports = reports

    def archive(self) -> None:
        """One signed agreement's PDF and one approved report's PDF rendered, stored once each and recorded as the
        archive of every signed agreement and approved report: the same bytes with their checksum."""
        signed = [a for a in self.agreement_list if a.status in Agreement.FROZEN_STATUSES]
        approved = [r for r in self.reports if r.stage == FollowUpReport.Stage.APPROVED]
        if not signed:
            return
        self.progress("Rendering one agreement PDF and one annual report PDF …")
        agreement_bytes = agreement_pdf(Agreement.objects.get(pk=signed[0].pk))
        stored = [self.stored("archive/national/agreement", agreement_bytes)]
        ArchivedPdf.objects.bulk_create(
            [ArchivedPdf(agreement=a, archived_by=self.admin, **stored[0]) for a in signed], batch_size=2000
        )
        self.country.counts["ArchivedPdf"] = len(signed)
        if approved:
            report_bytes = annual_report_pdf(FollowUpReport.objects.get(pk=approved[0].pk))
            stored.append(self.stored("archive/national/report", report_bytes))
            ArchivedReport.objects.bulk_create(
                [ArchivedReport(report=r, archived_by=self.admin, **stored[1]) for r in approved], batch_size=2000
            )
            self.country.counts["ArchivedReport"] = len(approved)

    @staticmethod
    def stored(name: str, content: bytes) -> dict:
        sha256 = hashlib.sha256(content).hexdigest()
        path = f"{name}-{sha256[:12]}.pdf"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(content))
        return {"file": path, "sha256": sha256, "size": len(content)}

    def build(self) -> Country:
        steps = (
            ("organisations", self.organisations),
            ("users", self.users),
            ("agreements", self.agreements),
            ("sections", self.sections),
            ("focus areas, goals, activities, commitments and reviews", self.focus_areas),
            ("follow-up", self.follow_up),
            ("archive", self.archive),
        )
        self.password = make_password(PASSWORD)
        self.admin = User.objects.create(
            username="admin", password=self.password, email="admin@example.se", is_staff=True, is_superuser=True
        )
        for name, step in steps:
            self.progress(f"{name} …")
            step()
        return self.country


def generate_national(*, scale: float = 1.0, seed: int = 1, progress: Callable[[str], None] = print) -> Country:
    """Generate the country into an empty database, all or nothing."""
    refuse_unless_empty()
    with transaction.atomic():
        return Builder(Scale.of(scale), seed, progress).build()
