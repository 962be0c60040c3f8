"""Reads the demo content in `demo/data/` and writes it to the database the way users would.

The YAML files hold everything a newcomer sees: organisations, one user per role, four agreements in different states
and a published citizen promise, with focus areas, goals, commitments, an action plan, and two years of follow-up of the
signed Sölvesborg agreement (2024 approved and archived, 2025 a draft being filled in). One more agreement, Sjöbacka's,
comes from a Word file (`word.yaml` names it and its parties) and is imported as a draft the way a user's upload is.
`situation.yaml` gives Trelleborg its weekly EST survey (factors, places, reporters), a year of weekly answers and
two years of monthly statistics, generated from a seed. Things that refer to each other do so by key: a commitment names
the goals it serves, an action plan the focus area of its commitments, a follow-up year the commitment, activity, goal
and focus area each line is about. `demo_read` checks every such key before anything is written, so a typo in a file is
reported by file and key rather than half loaded.

`make run` loads the demo on every start, so loading is idempotent. Organisations, users and memberships are brought
back to their demo state (the printed logins must work); an agreement that already exists is left as it is, so what
someone changed in the browser survives the next `make run`. The exceptions: an agreement that is not yet signed and has
no focus areas, goals or action plans (say, one seeded before they existed) gets the demo ones added, and a signed
agreement without any follow-up gets the demo years. A Word file is imported once: its draft carries a creation key made
from the file's name, and a later run that finds that key imports nothing. So is a situation picture: a municipality
that already has factors is left as it is.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone

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
from documents.models import Approval, PartySignature
from documents.revisions import content_snapshot
from documents.services import agreement_fingerprint, archive_pdf
from documents.wordimport import agreement_import_docx, plan_from_docx
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, Goal, Indicator, ReviewEntry
from followup.models import FollowUpReport
from followup.services import report_approve, report_confirm, report_start, report_submit
from situation import services as situation_services
from situation.models import (
    DEFAULT_FACTORS,
    Answer,
    Factor,
    Measure,
    Place,
    Rating,
    Reporter,
    SafetySurvey,
    Week,
    YearlyPicture,
)
from situation.statistics import Row as StatisticsRow
from situation.statistics import months_back
from situation.survey import AreaResult as SurveyResult

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "samverkan-demo"  # noqa: S105 -- shown to every newcomer on purpose; the command refuses without DEBUG
DEMO_URL = "http://127.0.0.1:8000/"

ModelT = TypeVar("ModelT", bound=models.Model)
Spec = dict[str, Any]


class DemoDataError(Exception):
    """A demo data file that cannot be loaded as it stands: the message names the file and what is wrong."""


@dataclass(frozen=True)
class DemoContent:
    """The demo as read from its files: plain dictionaries, in the order they are written to the database."""

    organisations: list[Spec]
    users: list[Spec]
    agreements: list[Spec]
    word_imports: list[Spec] = field(default_factory=list)
    situations: list[Spec] = field(default_factory=list)


@dataclass(frozen=True)
class DemoLoadResult:
    """How much of the demo a run created; what already existed is counted apart."""

    organisations: int
    users: int
    agreements: int
    given_focus_areas: int
    follow_ups: int
    word_imports: int = 0


# --- Reading -----------------------------------------------------------------------------------------------------


def lines(value: str | list[str] | None) -> str:
    """A text written as a YAML list holds one item per line, as overall goals and activity cells expect."""
    if isinstance(value, list):
        return "\n".join(value)
    return value or ""


def rich_text(value: str | list[str] | None) -> str:
    """Rich text is written one HTML block or list item per YAML item, and stored as one string."""
    if isinstance(value, list):
        return "".join(value)
    return value or ""


def decimal(value: int | float | str | None) -> Decimal | None:
    # Through str, so that 2.35 in the file is Decimal("2.35"), not the float's binary expansion.
    return None if value is None else Decimal(str(value))


def _read_yaml(path: Path) -> Spec:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DemoDataError(f"{path.name}: ogiltig YAML: {error}") from error
    if not isinstance(data, dict):
        raise DemoDataError(f"{path.name}: filen ska innehålla en mappning")
    return data


def _keys(items: list[Spec], *, what: str, where: str) -> dict[str, Spec]:
    by_key: dict[str, Spec] = {}
    for item in items:
        key = item.get("key")
        if not key:
            raise DemoDataError(f"{where}: {what} utan key: {item}")
        if key in by_key:
            raise DemoDataError(f"{where}: {what} med samma key två gånger: {key}")
        by_key[key] = item
    return by_key


def _require(key: str, known: dict[str, Any] | set[str], *, what: str, where: str) -> None:
    if key not in known:
        raise DemoDataError(f"{where}: okänd {what} {key!r}")


def _check_agreement(data: Spec, *, where: str, organisations: set[str], usernames: set[str]) -> None:
    """Every name and key an agreement file uses must point at something that exists."""
    for party in data["parties"]:
        _require(party, organisations, what="organisation", where=where)
    for signatory in data.get("signatories", []):
        _require(signatory["party"], set(data["parties"]), what="part", where=where)
    for consent in data.get("consent", []):
        _require(consent["party"], set(data["parties"]), what="part", where=where)
        _require(consent["by"], usernames, what="användare", where=where)
    focus_areas = _keys(data.get("focus_areas", []), what="fokusområde", where=where)
    goals = _keys([g for fa in focus_areas.values() for g in fa.get("goals", [])], what="mål", where=where)
    rows = _keys([r for fa in focus_areas.values() for r in fa.get("activities", [])], what="aktivitet", where=where)
    commitments = [c for fa in focus_areas.values() for c in fa.get("commitments", [])]
    for plan in data.get("action_plans", []):
        for group in plan["focus_areas"]:
            _require(group["focus_area"], focus_areas, what="fokusområde", where=where)
            commitments.extend(group["commitments"])
    by_key = _keys(commitments, what="åtagande", where=where)
    for item in [*rows.values(), *by_key.values()]:
        for goal in item.get("goals", []):
            _require(goal, goals, what="mål", where=f"{where} ({item['key']})")
    for commitment in by_key.values():
        for party in commitment["parties"]:
            _require(party, set(data["parties"]), what="part", where=f"{where} ({commitment['key']})")
        for entry in commitment.get("review", []):
            _require(entry["author"], usernames, what="användare", where=f"{where} ({commitment['key']})")
    for year in data.get("follow_ups", []):
        at = f"{where} (uppföljning {year['year']})"
        for line in year.get("commitments", []):
            _require(line["commitment"], by_key, what="åtagande", where=at)
            for comment in line.get("comments", []):
                _require(comment["party"], set(by_key[line["commitment"]]["parties"]), what="part", where=at)
        for line in year.get("activities", []):
            _require(line["activity"], rows, what="aktivitet", where=at)
        for line in year.get("indicators", []):
            _require(line["goal"], goals, what="mål", where=at)
            if "indicator" not in goals[line["goal"]]:
                raise DemoDataError(f"{at}: målet {line['goal']!r} har ingen indikator")
        for line in year.get("focus_areas", []):
            _require(line["focus_area"], focus_areas, what="fokusområde", where=at)
        if approval := year.get("approval"):
            for step in ("submitted_by", "confirmed_by", "approved_by"):
                if step in approval:
                    _require(approval[step], usernames, what="användare", where=at)


def demo_read(*, data_dir: Path = DATA_DIR) -> DemoContent:
    """Read the demo's files and check their cross-references; agreements load in their files' name order."""
    people = _read_yaml(data_dir / "people.yaml")
    organisations = {item["name"] for item in people["organisations"]}
    for user in people["users"]:
        if user.get("organisation"):
            _require(
                user["organisation"], organisations, what="organisation", where=f"people.yaml ({user['username']})"
            )
    usernames = {user["username"] for user in people["users"]}
    agreements = []
    for path in sorted((data_dir / "agreements").glob("*.yaml")):
        data = _read_yaml(path)
        _check_agreement(data, where=path.name, organisations=organisations, usernames=usernames)
        agreements.append(data)
    word_imports = []
    for spec in _read_yaml(data_dir / "word.yaml")["word_imports"]:
        where = f"word.yaml ({spec['file']})"
        if not (data_dir / spec["file"]).is_file():
            raise DemoDataError(f"{where}: filen finns inte")
        for party in spec["parties"]:
            _require(party, organisations, what="organisation", where=where)
        word_imports.append({**spec, "path": data_dir / spec["file"]})
    situations = _read_yaml(data_dir / "situation.yaml")["situations"]
    for spec in situations:
        _require(spec["municipality"], organisations, what="organisation", where="situation.yaml")
        for party in spec.get("present", []):
            _require(party, organisations, what="organisation", where="situation.yaml")
        survey = spec.get("safety_survey")
        for year, areas in (survey or {}).get("results", {}).items():
            for area, result in areas.items():
                if len(result["index"]) != len(survey["problems"]):
                    raise DemoDataError(f"situation.yaml ({year}, {area}): ett index per problem, i problemens ordning")
    return DemoContent(
        organisations=people["organisations"],
        users=people["users"],
        agreements=agreements,
        word_imports=word_imports,
        situations=situations,
    )


# --- Writing -----------------------------------------------------------------------------------------------------


def _ensure(model: type[ModelT], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[ModelT, bool]:
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


def _saved(instance: ModelT) -> ModelT:
    instance.full_clean()
    instance.save()
    return instance


def _ensure_user(spec: Spec) -> tuple[AbstractUser, bool]:
    """The demo user with its printed password, whatever was changed since the last run."""
    user_model = get_user_model()
    user = user_model._default_manager.filter(username=spec["username"]).first()
    created = user is None
    if user is None:
        user = user_model(username=spec["username"])
    admin = bool(spec.get("admin"))
    values = {
        "first_name": spec["first_name"],
        "last_name": spec["last_name"],
        "email": spec["email"],
        "is_active": True,
        "is_staff": admin,
        "is_superuser": admin,
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


def _create_sections(agreement: Agreement, part: str, items: list[Spec], parent: Section | None = None) -> None:
    for order, item in enumerate(items):
        section = _saved(
            Section(
                agreement=agreement,
                part=part,
                parent=parent,
                order=order,
                heading=item["heading"],
                body=rich_text(item.get("body")),
            )
        )
        _create_sections(agreement, part, item.get("children", []), parent=section)


def _ensure_agreement(data: Spec, organisations: dict[str, Organisation]) -> tuple[Agreement, bool]:
    """Create the agreement with everything in it, or leave an existing one exactly as it is."""
    parties = [organisations[name] for name in data["parties"]]
    # Titles like "Samverkansöverenskommelse 2023–2026" are shared by many municipalities, so the natural key
    # is the title together with the first party.
    existing = Agreement.objects.filter(title=data["title"], party_links__organisation=parties[0]).first()
    if existing is not None:
        return existing, False

    # Content goes in while the agreement is a draft; `_give_status` gives it its status afterwards.
    agreement = _saved(
        Agreement(
            title=data["title"],
            kind=data.get("kind", Agreement.Kind.AGREEMENT),
            status=Agreement.Status.DRAFT,
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            revision_interval_years=data.get("revision_interval_years"),
            purpose=data.get("purpose", ""),
            overall_goals=lines(data.get("overall_goals")),
            standing_commitments=data.get("standing_commitments", ""),
            follow_up=data.get("follow_up", ""),
            follow_up_frequency=data.get("follow_up_frequency", Agreement.FollowUpFrequency.YEARLY),
            followed_up_by=data.get("followed_up_by", Agreement.FollowedUpBy.ALL),
            lists_focus_areas=data.get("lists_focus_areas", True),
            copies=data.get("copies", 2),
            signing_place=data.get("signing_place", ""),
            # A citizen promise is published rather than signed; the day it was published is kept as its date.
            signing_date=data.get("signing_date", data.get("published_on")),
        )
    )
    for order, organisation in enumerate(parties):
        Party.objects.create(agreement=agreement, organisation=organisation, order=order)
    for order, signatory in enumerate(data.get("signatories", [])):
        Signatory.objects.create(
            agreement=agreement,
            party=organisations[signatory["party"]],
            name=signatory["name"],
            title=signatory["title"],
            order=order,
        )
    for order, forum in enumerate(data.get("forums", [])):
        CooperationForum.objects.create(agreement=agreement, order=order, **forum)
    _create_sections(agreement, Section.Part.AGREEMENT, data.get("sections", []))
    _create_sections(agreement, Section.Part.APPENDIX, data.get("appendix", []))
    return agreement, True


def _create_goal(agreement: Agreement, focus_area: FocusArea, spec: Spec, order: int) -> Goal:
    goal = _saved(
        Goal(
            agreement=agreement,
            focus_area=focus_area,
            kind=spec.get("kind", Goal.Kind.EFFECT),
            text=spec["text"],
            order=order,
        )
    )
    if indicator := spec.get("indicator"):
        _saved(
            Indicator(
                goal=goal,
                name=indicator["name"],
                source=indicator["source"],
                unit=indicator.get("unit", ""),
                direction=indicator["direction"],
                baseline_year=indicator.get("baseline_year"),
                baseline_value=decimal(indicator.get("baseline_value")),
                target_value=decimal(indicator.get("target_value")),
            )
        )
    return goal


def _create_commitment(
    spec: Spec,
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
    target = spec.get("target") or {}
    commitment = _saved(
        Commitment(
            agreement=agreement,
            focus_area=focus_area,
            action_plan=action_plan,
            text=spec["text"],
            responsible_role=spec.get("responsible_role", ""),
            target_value=target.get("value"),
            target_unit=target.get("unit", ""),
            target_scope=target.get("scope", ""),
            timing=spec.get("timing", ""),
            place=spec.get("place", ""),
            third_parties=spec.get("third_parties", ""),
            order=order,
            # The police accepted every commitment of an agreement before it was signed.
            review_status=(
                Commitment.ReviewStatus.ACCEPTED if signed else spec.get("review_status", Commitment.ReviewStatus.OPEN)
            ),
        )
    )
    commitment.parties.set([organisations[name] for name in spec["parties"]])
    commitment.goals.set([goals[key] for key in spec.get("goals", [])])
    for entry in spec.get("review", []):
        ReviewEntry.objects.create(
            commitment=commitment, author=users[entry["author"]], kind=entry["kind"], text=entry.get("text", "")
        )


def _give_status(
    agreement: Agreement, data: Spec, organisations: dict[str, Organisation], users: dict[str, AbstractUser]
) -> None:
    """Move a newly created demo agreement to its status; a signed one gets each party's approval and signature (a
    published citizen promise its approvals), its signatories' days and its archived PDF."""
    status = data["status"]
    if status in Agreement.FROZEN_STATUSES:
        current = agreement_fingerprint(agreement)
        content = content_snapshot(agreement)
        for consent in data.get("consent", []):
            party, user = organisations[consent["party"]], users[consent["by"]]
            behalf = not Membership.objects.filter(user=user, organisation=party).exists()
            recorded = {"agreement": agreement, "party": party, "recorded_by": user, "on_behalf": behalf}
            Approval.objects.create(**recorded, fingerprint=current, content=content)
            if not agreement.is_citizen_promise:
                PartySignature.objects.create(
                    **recorded,
                    fingerprint=current,
                    signing_place=agreement.signing_place,
                    signed_on=agreement.signing_date,
                )
        for signatory in agreement.signatories.all():
            signatory.signed_on = agreement.signing_date
            signatory.save(update_fields=["signed_on"])
    agreement.status = status
    agreement.save(update_fields=["status", "updated_at"])
    if agreement.is_frozen:
        archive_pdf(ArchivedPdf(agreement=agreement, archived_by=users["admin"]))


def _create_focus_areas(
    agreement: Agreement, data: Spec, organisations: dict[str, Organisation], users: dict[str, AbstractUser]
) -> bool:
    """Give the agreement its demo focus areas, goals, commitments and action plans if it has none of them yet.

    An agreement that has any of them is left as it is, like the rest of an existing agreement; one seeded
    before focus areas existed gets them, unless it is signed by now: its content is frozen.
    """
    specs = data.get("focus_areas", [])
    if not (specs or data.get("action_plans")) or agreement.is_frozen:
        return False
    if agreement.focus_areas.exists() or agreement.action_plans.exists() or agreement.goals.exists():
        return False

    # Without the section (an agreement seeded before it was added) the focus areas end Bilaga 1.
    placement = agreement.sections.filter(
        part=Section.Part.APPENDIX, heading=data.get("focus_area_section", "")
    ).first()
    focus_areas: dict[str, FocusArea] = {}
    goals: dict[str, Goal] = {}
    for order, spec in enumerate(specs):
        focus_areas[spec["key"]] = focus_area = _saved(
            FocusArea(
                agreement=agreement,
                placement=placement,
                group_heading=spec.get("group_heading", ""),
                title=spec["title"],
                description=rich_text(spec.get("description")),
                prioritised=spec.get("prioritised", False),
                order=order,
            )
        )
        for goal_order, goal in enumerate(spec.get("goals", [])):
            goals[goal["key"]] = _create_goal(agreement, focus_area, goal, goal_order)

    # Rows and commitments come once every goal exists, since they may serve another focus area's goal.
    related = {
        "agreement": agreement,
        "organisations": organisations,
        "goals": goals,
        "users": users,
        "signed": data["status"] in Agreement.FROZEN_STATUSES,
    }
    for spec in specs:
        focus_area = focus_areas[spec["key"]]
        for order, row_spec in enumerate(spec.get("activities", [])):
            row = _saved(
                ActivityRow(
                    focus_area=focus_area,
                    activity=lines(row_spec["activity"]),
                    measure=lines(row_spec.get("measure")),
                    follow_up=lines(row_spec.get("follow_up")),
                    goal_effect=lines(row_spec.get("goal_effect")),
                    order=order,
                )
            )
            row.goals.set([goals[key] for key in row_spec.get("goals", [])])
        for order, commitment in enumerate(spec.get("commitments", [])):
            _create_commitment(commitment, order, focus_area=focus_area, action_plan=None, **related)

    for plan_order, plan_spec in enumerate(data.get("action_plans", [])):
        plan = _saved(
            ActionPlan(agreement=agreement, title=plan_spec["title"], year=plan_spec["year"], order=plan_order)
        )
        for group in plan_spec["focus_areas"]:
            for order, commitment in enumerate(group["commitments"]):
                _create_commitment(
                    commitment, order, focus_area=focus_areas[group["focus_area"]], action_plan=plan, **related
                )
    return True


def _fill_in(report: FollowUpReport, spec: Spec, data: Spec) -> None:
    """Fill in the year as both parties would in the browser.

    Each line names its commitment, activity, goal or focus area by key; the key stands for that item's text in
    the agreement's file, which is how the line finds it in the database. Whatever the agreement lacks (a dev
    database seeded before its goals and activities existed, say) is passed over.
    """
    focus_areas = data.get("focus_areas", [])
    plans = [group for plan in data.get("action_plans", []) for group in plan["focus_areas"]]
    commitment_texts = {c["key"]: c["text"] for group in [*focus_areas, *plans] for c in group.get("commitments", [])}
    activity_texts = {row["key"]: lines(row["activity"]) for fa in focus_areas for row in fa.get("activities", [])}
    indicator_names = {
        goal["key"]: goal["indicator"]["name"]
        for fa in focus_areas
        for goal in fa.get("goals", [])
        if "indicator" in goal
    }
    titles = {fa["key"]: fa["title"] for fa in focus_areas}

    outcomes = {o.commitment.text: o for o in report.commitment_outcomes.select_related("commitment")}
    for item in spec.get("commitments", []):
        outcome = outcomes.get(commitment_texts[item["commitment"]])
        if outcome is None:
            continue
        outcome.status = item["status"]
        outcome.achieved = item.get("achieved")
        outcome.evidence_link = item.get("evidence_link", "")
        _saved(outcome)
        comments = {comment.party.name: comment for comment in outcome.party_comments.select_related("party")}
        for comment in item.get("comments", []):
            if comment["party"] in comments:
                comments[comment["party"]].text = comment["text"]
                _saved(comments[comment["party"]])
    rows = {outcome.row.activity: outcome for outcome in report.activity_outcomes.select_related("row")}
    for item in spec.get("activities", []):
        if row := rows.get(activity_texts[item["activity"]]):
            row.status, row.comment = item["status"], item["comment"]
            _saved(row)
    values = {value.indicator.name: value for value in report.indicator_values.select_related("indicator")}
    for item in spec.get("indicators", []):
        if value := values.get(indicator_names[item["goal"]]):
            value.value, value.source, value.comment = decimal(item["value"]), item["source"], item.get("comment", "")
            _saved(value)
    summaries = {s.focus_area.title: s for s in report.focus_area_summaries.select_related("focus_area")}
    for item in spec.get("focus_areas", []):
        if summary := summaries.get(titles[item["focus_area"]]):
            summary.summary, summary.conclusions = item["summary"], item["conclusions"]
            _saved(summary)
    report.summary, report.conclusions = spec["summary"], spec["conclusions"]
    report.save(update_fields=["summary", "conclusions"])


def _create_follow_ups(agreement: Agreement, data: Spec, users: dict[str, AbstractUser]) -> int:
    """Give a signed agreement without any follow-up its demo years; an approved year is submitted, confirmed
    and approved (which archives its PDF) like in the browser. Returns how many years were created."""
    if not data.get("follow_ups") or not agreement.is_frozen or agreement.follow_ups.exists():
        return 0
    created = 0
    for spec in data["follow_ups"]:
        if not agreement.is_active_in(spec["year"]):
            continue
        # Each later year (or quarter) starts from the one before, as staff would start it.
        report = report_start(
            agreement=agreement, year=spec["year"], period=spec.get("period", 0), copy_previous=created > 0
        )
        created += 1
        _fill_in(report, spec, data)
        if approval := spec.get("approval"):
            if "submitted_by" in approval:  # not when one side follows up alone: it confirms its own
                report_submit(report=report, user=users[approval["submitted_by"]])
            report_confirm(report=report, user=users[approval["confirmed_by"]])
            report_approve(
                report=report,
                user=users[approval["approved_by"]],
                approved_on=approval["approved_on"],
                case_number=approval["case_number"],
            )
    return created


def word_import_key(file: str) -> uuid.UUID:
    """The creation key of the draft imported from a demo Word file: the same for the file on every run."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{DEMO_URL}demo/{file}")


def _import_word(spec: Spec, organisations: dict[str, Organisation]) -> bool:
    """Import the Word file as a draft unless an earlier run did; True if it was imported now."""
    key = word_import_key(spec["file"])
    if Agreement.objects.filter(creation_key=key).exists():
        return False
    plan = plan_from_docx(spec["path"].read_bytes())
    agreement_import_docx(plan=plan, parties=[organisations[name] for name in spec["parties"]], creation_key=key)
    return True


def _load_situation(spec: Spec, municipality: Organisation) -> None:
    """The municipality's EST survey with a year of weeks answered, and its monthly statistics; once, the first
    time (a municipality that already has factors is left as it is)."""
    if Factor.objects.filter(municipality=municipality).exists():
        return
    rng = random.Random(spec["seed"])  # noqa: S311 -- plausible demo figures, not secrets
    factors = [Factor.objects.create(municipality=municipality, name=n, order=i) for i, n in enumerate(DEFAULT_FACTORS)]
    places = [Place.objects.create(municipality=municipality, name=n, order=i) for i, n in enumerate(spec["places"])]
    organisations = spec["reporters"]["organisations"]
    reporters = [
        Reporter.objects.create(
            municipality=municipality,
            name=f"Rapportör {n}",
            email=f"rapportor{n}@trelleborg.example",
            organisation=organisations[n % len(organisations)],
        )
        for n in range(1, spec["reporters"]["count"] + 1)
    ]
    # Each factor and place has a level of its own; summer weeks and the first places (the centre) rate higher.
    level = {(f.pk, p.pk): rng.uniform(0.2, 1.6) - 0.15 * i for f in factors for i, p in enumerate(places)}
    this_monday = situation_services.monday_of(timezone.localdate())
    for n in range(spec["weeks"], -1, -1):
        monday = this_monday - timedelta(weeks=n)
        # Every week but this one has closed and been reported; a year of them is written a week at a time in bulk.
        done = {"closed_at": timezone.now(), "reported_at": timezone.now()} if n else {}
        week = Week.objects.create(municipality=municipality, monday=monday, invited_at=timezone.now(), **done)
        summer = 0.5 if 5 <= monday.month <= 8 else 0.0
        answers = Answer.objects.bulk_create(
            Answer(week=week, reporter=reporter) for reporter in reporters if rng.random() <= spec["answer_share"]
        )
        Rating.objects.bulk_create(
            Rating(
                answer=answer,
                factor_id=factor_id,
                place_id=place_id,
                value=None if rng.random() < 0.15 else max(0, min(3, round(value + summer + rng.gauss(0, 0.6)))),
            )
            for answer in answers
            for (factor_id, place_id), value in level.items()
        )
    Week.objects.filter(municipality=municipality, monday=this_monday - timedelta(weeks=1)).update(**spec["last_week"])
    present = list(Organisation.objects.filter(name__in=spec.get("present", [])))
    for n, week in enumerate(Week.objects.filter(municipality=municipality, closed_at__isnull=False)):
        week.attended_by.set(present if n != 2 else [o for o in present if o.kind not in Organisation.POLICE_KINDS])

    statistics = spec["statistics"]
    latest = date(this_monday.year, this_monday.month, 1)
    for source in ("police", "municipality"):
        rows = []
        for back in range(statistics["months"]):
            month = months_back(latest, back + 1)
            season = 1.3 if 5 <= month.month <= 8 else 1.0
            for crime_type in statistics[source]:
                for i, place in enumerate(statistics["places"]):
                    count = max(0, round(rng.uniform(2, 12) * season / (1 + 0.4 * i)))
                    rows.append(StatisticsRow(month, None, crime_type, place, count))
        situation_services.statistics_import(
            municipality=municipality,
            payload=situation_services.statistics_payload(municipality=municipality, source=source, rows=rows),
        )


def _load_safety_survey(spec: Spec, municipality: Organisation) -> None:
    """The police's trygghetsmätning of the municipality's areas; once, the first time."""
    if "safety_survey" not in spec or SafetySurvey.objects.filter(municipality=municipality).exists():
        return
    problems = spec["safety_survey"]["problems"]
    results = {
        (int(year), area): SurveyResult(
            problem_index=Decimal(str(result["problemindex"])),
            safe_share=Decimal(str(result["trygga"])),
            problems={problem: Decimal(str(value)) for problem, value in zip(problems, result["index"], strict=True)},
        )
        for year, areas in spec["safety_survey"]["results"].items()
        for area, result in areas.items()
    }
    situation_services.safety_surveys_store(municipality=municipality, results=results)


def _load_yearly_picture(spec: Spec, municipality: Organisation) -> None:
    """The municipality's lägesbild of a year with its åtgärdsplan, each measure in the focus area of that title in
    the latest agreement the municipality is party to; once, the first time."""
    if "yearly_picture" not in spec or YearlyPicture.objects.filter(municipality=municipality).exists():
        return
    data = spec["yearly_picture"]
    picture = YearlyPicture.objects.create(
        municipality=municipality, year=data["year"], analysis=lines(data["analysis"]), sources=lines(data["sources"])
    )
    agreement = Agreement.objects.filter(parties=municipality).order_by("-start_date").first()
    areas = {area.title: area for area in FocusArea.objects.filter(agreement=agreement)}
    Measure.objects.bulk_create(
        Measure(
            picture=picture,
            problem=measure["problem"],
            measure=measure["measure"],
            responsible=measure["responsible"],
            timing=measure["timing"],
            focus_area=areas.get(measure.get("focus_area")),
            order=order,
        )
        for order, measure in enumerate(data["measures"])
    )


def demo_load(*, content: DemoContent) -> DemoLoadResult:
    """Write the demo to the database, all or nothing, leaving what already exists as described above."""
    # The follow-up services mail the parties at each step; the demo's made-up addresses get nothing.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        organisations: dict[str, Organisation] = {}
        new_organisations = 0
        for spec in content.organisations:
            organisations[spec["name"]], created = _ensure(Organisation, {"name": spec["name"]}, {"kind": spec["kind"]})
            new_organisations += created

        new_users = 0
        users: dict[str, AbstractUser] = {}
        for spec in content.users:
            user, created = _ensure_user(spec)
            users[spec["username"]] = user
            new_users += created
            if spec.get("organisation") and spec.get("role"):
                _ensure(
                    Membership,
                    {"user": user, "organisation": organisations[spec["organisation"]]},
                    {"role": spec["role"], "is_administrator": spec.get("administrator", False)},
                )

        new_agreements = given_focus_areas = new_follow_ups = 0
        for data in content.agreements:
            agreement, created = _ensure_agreement(data, organisations)
            new_agreements += created
            given_focus_areas += _create_focus_areas(agreement, data, organisations, users)
            if created:
                _give_status(agreement, data, organisations, users)
            new_follow_ups += _create_follow_ups(agreement, data, users)
        word_imports = sum(_import_word(spec, organisations) for spec in content.word_imports)
        for spec in content.situations:
            _load_situation(spec, organisations[spec["municipality"]])
            _load_safety_survey(spec, organisations[spec["municipality"]])
            _load_yearly_picture(spec, organisations[spec["municipality"]])
    return DemoLoadResult(
        organisations=new_organisations,
        users=new_users,
        agreements=new_agreements,
        given_focus_areas=given_focus_areas,
        follow_ups=new_follow_ups,
        word_imports=word_imports,
    )
