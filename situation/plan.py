"""The åtgärdsplan carried into an agreement: each measure becomes (or updates) a commitment of the party responsible
for it in its focus area, with its timing and indicator; and the status each measure then gets from the follow-up of
those commitments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementFrozen, Organisation, Party
from focusareas.models import Commitment, FocusArea, Goal, ReviewEntry
from followup.models import CommitmentOutcome, Status
from samverkan.lib.versions import claim_fingerprint

from .models import Measure, YearlyPicture

# Words that name a party by its kind rather than by its name, and those that name every party at once.
KIND_WORDS = {
    "kommun": [Organisation.Kind.MUNICIPALITY],
    "polis": list(Organisation.POLICE_KINDS),
}
JOINT_WORDS = ("gemensam", "tillsammans", "samtliga", "alla parter", "båda parter")
# A responsible written as only a party (not a role within it) gives the commitment no responsible role.
BARE_PARTY_WORDS = {
    "kommunen",
    "kommun",
    "polisen",
    "polis",
    "gemensamt",
    "tillsammans",
    "kommunen och polisen",
    "polisen och kommunen",
}


@dataclass
class CarriedMeasure:
    """What carrying one measure over does: the commitment it creates or updates, where, and for whom."""

    measure: Measure
    commitment: Commitment | None  # the one it updates; None: a new one
    focus_area: FocusArea | None  # the agreement's focus area it goes in; None: a new one titled `new_focus_area`
    new_focus_area: str
    parties: list[Organisation]  # matched from "responsible"; empty when unclear, and then asked
    goal: Goal | None  # the agreement's goal whose indicator the measure names
    indicator_missing: bool  # the measure names an indicator that this agreement does not have
    changes: list[str] = field(default_factory=list)  # for an update: what changes, in words

    @property
    def unclear(self) -> bool:
        return not self.parties

    @property
    def focus_area_title(self) -> str:
        return self.focus_area.title if self.focus_area else self.new_focus_area


def agreements_to_carry_into(user: AbstractBaseUser, municipality: Organisation) -> QuerySet[Agreement]:
    """The agreements the municipality is party to that the user may change: its drafts (and drafts of revisions)."""
    return (
        Agreement.objects.visible_to(user)
        .with_permissions(user)
        .filter(parties=municipality, user_is_editor=True)
        .exclude(status__in=Agreement.FROZEN_STATUSES)
        .order_by("-start_date", "title", "-revision")
    )


def signed_to_revise(user: AbstractBaseUser, municipality: Organisation) -> QuerySet[Agreement]:
    """The municipality's signed agreements with no revision under way, which a revision would open for the plan."""
    return (
        Agreement.objects.visible_to(user)
        .filter(parties=municipality, status=Agreement.Status.SIGNED, later_revisions__isnull=True)
        .order_by("-start_date", "title")
    )


def responsible_parties(responsible: str, parties: list[Party]) -> list[Organisation]:
    """The agreement's parties a measure's "responsible" names: by name or as the text calls them, by kind ("kommunen"
    when there is one municipality), or all of them ("gemensamt"); empty when it names none or is ambiguous."""
    text = responsible.casefold()
    if not text.strip():
        return []
    organisations = [party.organisation for party in parties]
    if any(word in text for word in JOINT_WORDS):
        return organisations
    named = [
        party.organisation
        for party in parties
        if any(name and name.casefold() in text for name in (party.organisation.name, party.display_name))
    ]
    for word, kinds in KIND_WORDS.items():
        if word not in text or any(organisation.kind in kinds for organisation in named):
            continue
        of_kind = [organisation for organisation in organisations if organisation.kind in kinds]
        if len(of_kind) != 1:
            return []  # "kommunen" among several municipalities: the user says which
        named.extend(of_kind)
    return named


def responsible_role(responsible: str, parties: list[Party]) -> str:
    """The role a measure's "responsible" names within its party, or nothing when it names only the party."""
    text = " ".join(responsible.split())
    names = {name.casefold() for party in parties for name in (party.organisation.name, party.display_name) if name}
    return "" if text.casefold() in BARE_PARTY_WORDS | names else text


def _focus_area_title(measure: Measure) -> str:
    first_line = next((line.strip() for line in measure.problem.splitlines() if line.strip()), measure.measure)
    return Truncator(first_line).chars(FocusArea._meta.get_field("title").max_length)


def carry_plan(picture: YearlyPicture, agreement: Agreement) -> list[CarriedMeasure]:
    """What carrying the picture's åtgärdsplan into the agreement would do, measure by measure, in a fixed number of
    queries: the same measure's commitment there (or the revision's copy of it, by key) is updated, else one made."""
    measures = list(
        picture.measures.select_related("focus_area", "indicator__goal").prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.only("pk", "key"))
        )
    )
    keys = {commitment.key for measure in measures for commitment in measure.commitments.all()}
    existing = {
        commitment.key: commitment
        for commitment in Commitment.objects.filter(agreement=agreement, key__in=keys)
        .select_related("focus_area")
        .prefetch_related("parties", "goals")
    }
    focus_areas = list(FocusArea.objects.filter(agreement=agreement))
    by_key = {area.key: area for area in focus_areas}
    by_title = {area.title.casefold(): area for area in focus_areas}
    goals = {
        goal.key: goal
        for goal in Goal.objects.filter(agreement=agreement, indicator__isnull=False).select_related("indicator")
    }
    goals_by_name = {goal.indicator.name.casefold(): goal for goal in goals.values()}
    parties = list(Party.objects.filter(agreement=agreement).select_related("organisation"))

    carried = []
    for measure in measures:
        commitment = next((existing[c.key] for c in measure.commitments.all() if c.key in existing), None)
        if measure.focus_area is not None:
            area = by_key.get(measure.focus_area.key) or by_title.get(measure.focus_area.title.casefold())
            new_title = "" if area else measure.focus_area.title
        else:
            new_title = _focus_area_title(measure)
            area = by_title.get(new_title.casefold())
            new_title = "" if area else new_title
            # Without a focus area of its own, a measure carried over before stays where it was put.
            if commitment is not None and commitment.focus_area is not None:
                area, new_title = commitment.focus_area, ""
        goal = None
        if measure.indicator is not None:
            goal = goals.get(measure.indicator.goal.key) or goals_by_name.get(measure.indicator.name.casefold())
        line = CarriedMeasure(
            measure=measure,
            commitment=commitment,
            focus_area=area,
            new_focus_area=new_title,
            # Unclear again, the parties chosen the time before still hold.
            parties=responsible_parties(measure.responsible, parties)
            or (list(commitment.parties.all()) if commitment else []),
            goal=goal,
            indicator_missing=measure.indicator is not None and goal is None,
        )
        if commitment is not None:
            line.changes = _changes(line, parties)
        carried.append(line)
    return carried


def _changes(line: CarriedMeasure, parties: list[Party]) -> list[str]:
    commitment, measure = line.commitment, line.measure
    changes = []
    if commitment.text != measure.measure:
        changes.append(_("the text"))
    if commitment.timing != measure.timing:
        changes.append(_("when"))
    if commitment.responsible_role != responsible_role(measure.responsible, parties):
        changes.append(_("the responsible role"))
    if line.focus_area is None or commitment.focus_area_id != line.focus_area.pk:
        changes.append(_("the focus area"))
    if line.parties and {p.pk for p in line.parties} != {p.pk for p in commitment.parties.all()}:
        changes.append(_("who commits"))
    if line.goal is not None and line.goal not in commitment.goals.all():
        changes.append(_("the indicator"))
    return changes


def plan_fingerprint(carried: list[CarriedMeasure]) -> str:
    """The state the preview showed: confirming acts on it only if carrying over would still do the same."""
    return hashlib.sha256(
        repr(
            [
                (
                    line.measure.pk,
                    line.measure.measure,
                    line.measure.responsible,
                    line.measure.timing,
                    line.commitment.pk if line.commitment else None,
                    line.commitment.version if line.commitment else None,
                    line.focus_area.pk if line.focus_area else line.new_focus_area,
                    [p.pk for p in line.parties],
                    line.goal.pk if line.goal else None,
                )
                for line in carried
            ]
        ).encode()
    ).hexdigest()[:32]


@transaction.atomic
def plan_carry_over(
    *,
    picture: YearlyPicture,
    agreement: Agreement,
    user: AbstractBaseUser,
    chosen_parties: dict[int, list[Organisation]],
    loaded_fingerprint: str | None,
) -> tuple[int, int]:
    """Carry the åtgärdsplan into the agreement as the preview showed it, with the parties the user chose for the
    measures whose responsible was unclear; (created, updated). StaleEdit if what it would do has changed since the
    preview; AgreementFrozen if the agreement has been signed meanwhile (its row is locked here first); ValidationError
    for a measure left without a party."""
    if Agreement.stored_as_frozen(agreement.pk):
        raise AgreementFrozen
    carried = carry_plan(picture, agreement)
    claim_fingerprint(current=plan_fingerprint(carried), loaded_fingerprint=loaded_fingerprint)
    parties = list(Party.objects.filter(agreement=agreement).select_related("organisation"))
    new_areas: dict[str, FocusArea] = {}
    next_area = (FocusArea.objects.filter(agreement=agreement).aggregate(last=Max("order"))["last"] or 0) + 1
    created = updated = 0
    for line in carried:
        measure = line.measure
        area = line.focus_area
        if area is None:
            area = new_areas.get(line.new_focus_area.casefold())
        if area is None:
            area = FocusArea(agreement=agreement, title=line.new_focus_area, order=next_area)
            area.full_clean()
            area.save()
            new_areas[area.title.casefold()] = area
            next_area += 1
        commitment = line.commitment
        who = line.parties or chosen_parties.get(measure.pk) or []
        if not who:
            raise ValidationError(_("Choose the party or parties that commit to this measure."))
        if commitment is None:
            last = Commitment.objects.filter(focus_area=area).aggregate(last=Max("order"))["last"]
            commitment = Commitment(agreement=agreement, order=0 if last is None else last + 1)
        elif not line.changes and {p.pk for p in who} == {p.pk for p in commitment.parties.all()}:
            measure.commitments.add(commitment)
            continue
        commitment.focus_area = area
        commitment.text = measure.measure
        commitment.timing = measure.timing
        commitment.responsible_role = responsible_role(measure.responsible, parties)
        revised = commitment.pk is not None and (
            commitment.review_status != Commitment.ReviewStatus.OPEN or agreement.status == Agreement.Status.REVIEW
        )
        if revised:
            # A reviewed commitment changed by the plan goes back to the police, as any edit of it does.
            commitment.review_status = Commitment.ReviewStatus.OPEN
        if commitment.pk is not None:
            commitment.version += 1
        commitment.full_clean()
        commitment.save()
        if revised:
            ReviewEntry.objects.create(commitment=commitment, author=user, kind=ReviewEntry.Kind.REVISED)
        commitment.parties.set(who)
        if line.goal is not None:
            commitment.goals.add(line.goal)
        measure.commitments.add(commitment)
        if line.commitment is None:
            created += 1
        else:
            updated += 1
    return created, updated


@dataclass
class MeasureStatus:
    status: str
    label: str
    year: int


def measure_statuses(measures: list[Measure], *, year: int | None = None, since: int | None = None) -> dict:
    """{measure id: MeasureStatus} from the follow-up of the commitments each measure was carried over as (in any
    agreement or revision of one, matched by key): of `year`, or the latest year from `since` on; None for a measure
    carried over and not reported, and no entry for one not carried over. Two queries."""
    links = Measure.commitments.through.objects.filter(measure__in=measures).values_list(
        "measure_id", "commitment__key"
    )
    keys_of: dict[int, set] = {}
    for measure_id, key in links:
        keys_of.setdefault(measure_id, set()).add(key)
    if not keys_of:
        return {}
    outcomes = CommitmentOutcome.objects.filter(commitment__key__in={k for keys in keys_of.values() for k in keys})
    if year is not None:
        outcomes = outcomes.filter(report__year=year)
    elif since is not None:
        outcomes = outcomes.filter(report__year__gte=since)
    latest: dict = {}
    for key, report_year, status in outcomes.order_by("report__year", "report_id").values_list(
        "commitment__key", "report__year", "status"
    ):
        latest[key] = (report_year, status)
    statuses = {}
    labels = dict(Status.choices)
    for measure_id, keys in keys_of.items():
        found = [latest[key] for key in keys if key in latest]
        if found:
            report_year, status = max(found)
            statuses[measure_id] = MeasureStatus(status, str(labels[status]), report_year)
        else:
            statuses[measure_id] = None  # carried over, and not yet reported
    return statuses


def measures_with_status(picture: YearlyPicture | None) -> list[Measure]:
    """The picture's measures, each with `status` (a MeasureStatus, or None while none is reported): the latest
    follow-up of its commitments from the picture's year on, and `carried`, whether it is in an agreement."""
    if picture is None:
        return []
    measures = list(picture.measures.select_related("focus_area", "indicator"))
    statuses = measure_statuses(measures, since=picture.year)
    for measure in measures:
        measure.status = statuses.get(measure.pk)
        measure.carried = measure.pk in statuses
    return measures
