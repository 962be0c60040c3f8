"""A whole agreement as one JSON document and back: its content, follow-up, archived files and history.

The document holds no database ids, so that it reads the same whichever database it came from. Organisations
are named by name and users by username; inside the agreement, sections, focus areas, goals, activities and
commitments by their keys, signatories, forums and action plans by their place in their list, indicators by
their goal's key, reports by year and their lines by year and the key of what they follow up. A history
record names its object the same way, or as {"deleted": n} when the object no longer exists.

Importing creates everything in an order the freeze allows: the content while the agreement is still a draft,
a report's lines while the report is, then the statuses that freeze them. Those saves record no history; the
document's own records are written afterwards, as they are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Prefetch
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from agreements.models import Agreement, ArchivedPdf, CooperationForum, Organisation, Party, Section, Signatory
from focusareas.models import ActionPlan, ActivityRow, Commitment, FocusArea, Goal, Indicator, ReviewEntry
from followup.models import (
    ActivityOutcome,
    ArchivedReport,
    CommitmentOutcome,
    Evaluation,
    FocusAreaSummary,
    FollowUpReport,
    IndicatorValue,
    PartyComment,
    evidence_extension,
    evidence_stored_name,
)
from samverkan.lib.archive import ArchiveCorrupted, verified_content
from samverkan.lib.validation import EARLIEST_DATE, LATEST_DATE, reject_control_characters

FORMAT = "samverkan-agreement/1"
# Counters against lost updates count one database's saves; they are not part of the content.
BOOKKEEPING = {"version"}

# The tracked models whose history belongs to an agreement, parents first, each with the field tying its records
# to its parent's objects, live or deleted.
HISTORY_SCOPE: tuple[tuple[type[models.Model], str, type[models.Model] | None], ...] = (
    (Agreement, "id", None),
    (Party, "agreement_id", Agreement),
    (Signatory, "agreement_id", Agreement),
    (CooperationForum, "agreement_id", Agreement),
    (Section, "agreement_id", Agreement),
    (FocusArea, "agreement_id", Agreement),
    (Goal, "agreement_id", Agreement),
    (Indicator, "goal_id", Goal),
    (ActivityRow, "focus_area_id", FocusArea),
    (ActionPlan, "agreement_id", Agreement),
    (Commitment, "agreement_id", Agreement),
    (Evaluation, "agreement_id", Agreement),
    (FollowUpReport, "agreement_id", Agreement),
    (CommitmentOutcome, "report_id", FollowUpReport),
    (PartyComment, "outcome_id", CommitmentOutcome),
    (ActivityOutcome, "report_id", FollowUpReport),
    (IndicatorValue, "report_id", FollowUpReport),
    (FocusAreaSummary, "report_id", FollowUpReport),
)


class TransferError(Exception):
    """A document that cannot be imported as it is, or an agreement that cannot be exported as it is."""


@dataclass
class Imported:
    """The imported agreement, and the organisations and users that had to be created for it."""

    agreement: Agreement
    new_organisations: list[str] = field(default_factory=list)
    new_users: list[str] = field(default_factory=list)


def document_dumps(document: dict[str, Any]) -> str:
    """The document as text, the same bytes for the same content."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# --- Values ----------------------------------------------------------------------------------------------------


def _carried(f: models.Field) -> bool:
    """Whether a field travels: not the id, not bookkeeping, and no value unique in one database."""
    if f.primary_key or f.name in BOOKKEEPING:
        return False
    return f.is_relation or not f.unique


def _plain_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields carried as values; relations and files are carried by each model's own code."""
    return [
        f
        for f in model._meta.concrete_fields
        if _carried(f) and not f.is_relation and not isinstance(f, models.FileField)
    ]


def _encode(f: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(f, models.DateTimeField):
        return _moment(value)
    if isinstance(f, models.DateField | models.DecimalField | models.UUIDField):
        return str(value)
    return value


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _decode(f: models.Field, value: Any) -> Any:
    """A value of the document as the field holds it, under the rules every form applies: no control characters,
    no date outside 1900–2200."""
    if value is None:
        return None
    value = f.to_python(value)
    reject_control_characters(value)
    if isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        MinValueValidator(EARLIEST_DATE)(day)
        MaxValueValidator(LATEST_DATE)(day)
    return value


def _values(instance: models.Model) -> dict[str, Any]:
    return {f.name: _encode(f, getattr(instance, f.attname)) for f in _plain_fields(type(instance))}


def _assign(instance: models.Model, data: dict[str, Any]) -> None:
    # A field the document lacks (one added after it was written) keeps its default.
    errors: dict[str, list[str]] = {}
    for f in _plain_fields(type(instance)):
        if f.name in data:
            try:
                setattr(instance, f.attname, _decode(f, data[f.name]))
            except ValidationError as error:
                errors[f.name] = error.messages
    if errors:
        raise ValidationError(errors)


def _timestamps(model: type[models.Model]) -> list[models.Field]:
    return [f for f in _plain_fields(model) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]


def _file(name: str, content: bytes) -> dict[str, Any]:
    return {
        "name": PurePosixPath(name).name,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
        "content": base64.b64encode(content).decode("ascii"),
    }


def _evidence_folder(agreement_id: int) -> str:
    """Where an agreement's evidence files are stored (see followup.models.evidence_path)."""
    return f"evidence/{agreement_id}/"


def _ref_key(ref: Any) -> Any:
    """A reference from the document as a dictionary key: lists become tuples, {"deleted": n} a tagged tuple."""
    if isinstance(ref, list):
        return tuple(_ref_key(part) for part in ref)
    if isinstance(ref, dict):
        return ("deleted", int(ref["deleted"]))
    return ref


# --- Export ----------------------------------------------------------------------------------------------------


def agreement_export(agreement: Agreement) -> dict[str, Any]:
    """The agreement with everything under it, its follow-up, archived files and history, as one document."""
    return _Exporter(agreement).document()


class _Exporter:
    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self.refs: dict[type[models.Model], dict[int, Any]] = defaultdict(dict)
        self.deleted: dict[type[models.Model], dict[int, int]] = defaultdict(dict)
        self.organisations: dict[int, Organisation] = {}
        self.users: dict[int, Any] = {}
        self.history_organisations: dict[int, Organisation] = {}

    def organisation(self, organisation: Organisation) -> str:
        self.organisations[organisation.pk] = organisation
        return organisation.name

    def user(self, user) -> str | None:
        if user is None:
            return None
        self.users[user.pk] = user
        return user.get_username()

    def ref(self, model: type[models.Model], pk: int | None) -> Any:
        if pk is None:
            return None
        try:
            return self.refs[model][pk]
        except KeyError:
            raise TransferError(
                f"The agreement refers to a {model._meta.verbose_name} (id {pk}) that is not part of it."
            ) from None

    def document(self) -> dict[str, Any]:
        agreement = self.agreement
        self.refs[Agreement][agreement.pk] = "agreement"
        content = _values(agreement)
        content["parties"] = self.parties()
        content["signatories"] = self.listed(agreement.signatories.select_related("party"), "party")
        content["forums"] = self.listed(agreement.forums.all())
        content["sections"] = self.sections()
        content["focus_areas"] = self.focus_areas()
        content["goals"] = self.goals()
        content["action_plans"] = self.listed(agreement.action_plans.all())
        content["activity_rows"] = self.activity_rows()
        content["commitments"] = self.commitments()
        evaluation = Evaluation.objects.filter(agreement=agreement).first()
        if evaluation is not None:
            self.refs[Evaluation][evaluation.pk] = "evaluation"
        content["evaluation"] = None if evaluation is None else _values(evaluation)
        content["archived_pdfs"] = [
            self.archive(archived)
            for archived in agreement.archived_pdfs.select_related("archived_by").order_by("archived_at", "pk")
        ]
        content["follow_ups"] = [self.report(report) for report in agreement.follow_ups.order_by("year")]
        history = self.history()
        users = sorted(self.users.values(), key=lambda user: user.get_username())
        return {
            "format": FORMAT,
            "agreement": content,
            "history": history,
            "organisations": [
                {"name": o.name, "kind": o.kind} for o in sorted(self.organisations.values(), key=lambda o: o.name)
            ],
            "users": [
                {
                    "username": user.get_username(),
                    "first_name": user.first_name,
                    "last_name": user.last_name,
                    "email": user.email,
                }
                for user in users
            ],
        }

    def parties(self) -> list[dict[str, Any]]:
        parties = []
        for party in self.agreement.party_links.select_related("organisation"):
            name = self.organisation(party.organisation)
            self.refs[Party][party.pk] = name
            parties.append({**_values(party), "organisation": name})
        return parties

    def listed(self, queryset: models.QuerySet, party_field: str | None = None) -> list[dict[str, Any]]:
        """Objects named by their place in the list: signatories, forums, action plans."""
        items = []
        for index, instance in enumerate(queryset):
            self.refs[type(instance)][instance.pk] = index
            item = _values(instance)
            if party_field:
                item[party_field] = self.organisation(getattr(instance, party_field))
            items.append(item)
        return items

    def sections(self) -> list[dict[str, Any]]:
        """Parents before their children, siblings in their order, so that they can be created in this order."""
        sections = list(self.agreement.sections.all())
        children: dict[int | None, list[Section]] = defaultdict(list)
        for section in sections:
            children[section.parent_id].append(section)
        ordered: list[Section] = []

        def walk(parent_id: int | None) -> None:
            for section in sorted(children[parent_id], key=lambda s: (s.part, s.order, s.pk)):
                ordered.append(section)
                walk(section.pk)

        walk(None)
        if len(ordered) != len(sections):
            raise TransferError("Some sections of the agreement hang under sections of another agreement.")
        items = []
        for section in ordered:
            self.refs[Section][section.pk] = str(section.key)
            items.append({**_values(section), "parent": self.ref(Section, section.parent_id)})
        return items

    def focus_areas(self) -> list[dict[str, Any]]:
        items = []
        for focus_area in self.agreement.focus_areas.all():
            self.refs[FocusArea][focus_area.pk] = str(focus_area.key)
            items.append({**_values(focus_area), "placement": self.ref(Section, focus_area.placement_id)})
        return items

    def goals(self) -> list[dict[str, Any]]:
        items = []
        for goal in self.agreement.goals.select_related("indicator"):
            key = self.refs[Goal][goal.pk] = str(goal.key)
            indicator = getattr(goal, "indicator", None)
            if indicator is not None:
                self.refs[Indicator][indicator.pk] = key
            items.append(
                {
                    **_values(goal),
                    "focus_area": self.ref(FocusArea, goal.focus_area_id),
                    "indicator": None if indicator is None else _values(indicator),
                }
            )
        return items

    def activity_rows(self) -> list[dict[str, Any]]:
        items = []
        for row in ActivityRow.objects.filter(focus_area__agreement=self.agreement).prefetch_related("goals"):
            self.refs[ActivityRow][row.pk] = str(row.key)
            items.append(
                {
                    **_values(row),
                    "focus_area": self.ref(FocusArea, row.focus_area_id),
                    "goals": sorted(self.ref(Goal, goal.pk) for goal in row.goals.all()),
                }
            )
        return items

    def commitments(self) -> list[dict[str, Any]]:
        items = []
        commitments = self.agreement.commitments.prefetch_related(
            "parties", "goals", Prefetch("review_entries", ReviewEntry.objects.select_related("author"))
        )
        for commitment in commitments:
            self.refs[Commitment][commitment.pk] = str(commitment.key)
            items.append(
                {
                    **_values(commitment),
                    "focus_area": self.ref(FocusArea, commitment.focus_area_id),
                    "action_plan": self.ref(ActionPlan, commitment.action_plan_id),
                    "parties": sorted(self.organisation(party) for party in commitment.parties.all()),
                    "goals": sorted(self.ref(Goal, goal.pk) for goal in commitment.goals.all()),
                    "review": [
                        {**_values(entry), "author": self.user(entry.author)}
                        for entry in commitment.review_entries.all()
                    ],
                }
            )
        return items

    def archive(self, archived: ArchivedPdf | ArchivedReport) -> dict[str, Any]:
        try:
            content = verified_content(archived)
        except ArchiveCorrupted:
            raise TransferError(
                f"The archived file {archived.file.name} is missing or no longer matches its checksum."
            ) from None
        return {
            **_file(archived.file.name, content),
            "archived_by": self.user(archived.archived_by),
            "archived_at": _moment(archived.archived_at),
        }

    def report(self, report: FollowUpReport) -> dict[str, Any]:
        year = self.refs[FollowUpReport][report.pk] = report.year
        outcomes = []
        commitment_outcomes = report.commitment_outcomes.order_by("pk").prefetch_related(
            Prefetch("party_comments", PartyComment.objects.select_related("party").order_by("pk"))
        )
        for outcome in commitment_outcomes:
            commitment = self.ref(Commitment, outcome.commitment_id)
            self.refs[CommitmentOutcome][outcome.pk] = [year, commitment]
            comments = []
            for comment in outcome.party_comments.all():
                name = self.organisation(comment.party)
                self.refs[PartyComment][comment.pk] = [year, commitment, name]
                comments.append({**_values(comment), "party": name})
            outcomes.append(
                {
                    **_values(outcome),
                    "commitment": commitment,
                    "evidence_file": self.evidence(outcome),
                    "party_comments": comments,
                }
            )

        def lines(queryset: models.QuerySet, model: type[models.Model], attname: str, to: type[models.Model]):
            items = []
            for line in queryset.order_by("pk"):
                ref = self.ref(to, getattr(line, f"{attname}_id"))
                self.refs[model][line.pk] = [year, ref]
                items.append({**_values(line), attname: ref})
            return items

        archived = ArchivedReport.objects.filter(report=report).select_related("archived_by").first()
        return {
            **_values(report),
            "commitment_outcomes": outcomes,
            "activity_outcomes": lines(report.activity_outcomes, ActivityOutcome, "row", ActivityRow),
            "indicator_values": lines(report.indicator_values, IndicatorValue, "indicator", Indicator),
            "focus_area_summaries": lines(report.focus_area_summaries, FocusAreaSummary, "focus_area", FocusArea),
            "archived": None if archived is None else self.archive(archived),
        }

    def evidence(self, outcome: CommitmentOutcome) -> dict[str, Any] | None:
        if not outcome.evidence_file:
            return None
        try:
            with outcome.evidence_file.open("rb") as stored:
                content = stored.read()
        except FileNotFoundError:
            raise TransferError(f"The evidence file {outcome.evidence_file.name} is missing.") from None
        return _file(outcome.evidence_file.name, content)

    # History ------------------------------------------------------------------------------------------------

    def history(self) -> dict[str, list[dict[str, Any]]]:
        loaded: dict[type[models.Model], list] = {}
        ids: dict[type[models.Model], set[int]] = {Agreement: {self.agreement.pk}}
        for model, parent_field, parent in HISTORY_SCOPE:
            scope = {"id": self.agreement.pk} if parent is None else {f"{parent_field}__in": ids[parent]}
            records = model.history.filter(**scope).select_related("history_user")
            loaded[model] = list(records.order_by("history_date", "history_id"))
            ids[model] = set(self.refs[model]) | {record.id for record in loaded[model]}

        # Objects that no longer exist are numbered in the order they first appear: their own records first, then
        # what other records point to.
        for model, records in loaded.items():
            for record in records:
                self.number_if_deleted(model, record.id)
        for model, records in loaded.items():
            relations = [f for f in _history_fields(model) if f.is_relation]
            for record in records:
                for f in relations:
                    if f.related_model not in (Organisation, get_user_model()):
                        self.number_if_deleted(f.related_model, getattr(record, f.attname))

        organisation_ids = {
            getattr(record, f.attname)
            for model, records in loaded.items()
            for f in _history_fields(model)
            if f.is_relation and f.related_model is Organisation
            for record in records
        }
        self.party_links: dict[int, list[int]] = defaultdict(list)
        for history_id, organisation_id in (
            _party_links()
            .objects.filter(history_id__in=[record.history_id for record in loaded[Commitment]])
            .values_list("history_id", "organisation_id")
        ):
            self.party_links[history_id].append(organisation_id)
            organisation_ids.add(organisation_id)
        self.history_organisations = Organisation.objects.in_bulk(organisation_ids - {None})
        return {
            model._meta.label_lower: [self.record(model, record) for record in records]
            for model, records in loaded.items()
        }

    def number_if_deleted(self, model: type[models.Model], pk: int | None) -> None:
        if pk is not None and pk not in self.refs[model] and pk not in self.deleted[model]:
            self.deleted[model][pk] = len(self.deleted[model]) + 1

    def history_ref(self, model: type[models.Model], pk: int | None) -> Any:
        if pk is None:
            return None
        if model is Organisation:
            organisation = self.history_organisations.get(pk)
            # An organisation deleted since cannot be named; the record keeps that it had none.
            return None if organisation is None else self.organisation(organisation)
        if pk in self.refs[model]:
            return self.refs[model][pk]
        return {"deleted": self.deleted[model][pk]}

    def record(self, model: type[models.Model], record) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for f in _history_fields(model):
            value = getattr(record, f.attname)
            if f.is_relation:
                fields[f.name] = self.history_ref(f.related_model, value)
            elif isinstance(f, models.FileField):
                folder = _evidence_folder(self.agreement.pk)
                fields[f.name] = value.removeprefix(folder) if value else value
            else:
                fields[f.name] = _encode(f, value)
        item = {
            "object": self.history_ref(model, record.id),
            "type": record.history_type,
            "date": _moment(record.history_date),
            "user": self.user(record.history_user),
            "reason": record.history_change_reason,
            "fields": fields,
        }
        if model is Commitment:
            names = (self.history_ref(Organisation, pk) for pk in self.party_links[record.history_id])
            item["parties"] = sorted(name for name in names if name is not None)
        return item


def _party_links() -> type[models.Model]:
    """simple-history's record of who committed: a row per party for each record of a commitment."""
    return HistoricalRecords.m2m_models[Commitment._meta.get_field("parties")]


@cache
def _tracked_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(model.history.model.tracked_fields)


def _history_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a history record carries: links to agreements are implied (its own) or left out (others')."""
    return [f for f in _tracked_fields(model) if _carried(f) and not (f.is_relation and f.related_model is Agreement)]


# --- Import ----------------------------------------------------------------------------------------------------


def agreement_import(document: dict[str, Any]) -> Imported:
    """Create the document's agreement with everything in it, all or nothing, and return it.

    Refused with TransferError, naming where in the document: another format, a file whose bytes do not match its
    checksum or whose name is not a plain file name, a value the forms would refuse (control characters, a date
    outside 1900–2200, too long, not one of the choices), a section under a section of the other part, stages
    that cannot have been reached (a follow-up of an unsigned agreement, a signed agreement or an approved report
    without its archived PDF), an organisation of another kind than the one of that name here, and an agreement
    identical to one already here (the same document is imported once; an agreement that was changed since is
    imported as a new one). Missing organisations are created; missing users are created inactive, without a
    usable password.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise TransferError(f"This is not a {FORMAT} document (its format is {found!r}); nothing was imported.")
    try:
        return _Importer(document).run()
    except (KeyError, TypeError, ValueError, ValidationError) as error:
        raise TransferError(f"The document is incomplete or malformed ({error!r}); nothing was imported.") from error


@contextmanager
def _at(where: str) -> Iterator[None]:
    """Whatever is wrong with the part of the document at `where` is refused with a message naming the place."""
    try:
        yield
    except ValidationError as error:
        raise TransferError(f"{_located(where, error)} Nothing was imported.") from None
    except KeyError as error:
        raise TransferError(f"{where}: {error.args[0]!r} is missing. Nothing was imported.") from None
    except (TypeError, ValueError, AttributeError) as error:
        raise TransferError(f"{where}: not what an export holds ({error}). Nothing was imported.") from None


def _located(where: str, error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return f"{where}: {' '.join(error.messages)}"
    return " ".join(
        f"{where if name == NON_FIELD_ERRORS else f'{where}.{name}'}: {' '.join(messages)}"
        for name, messages in error.message_dict.items()
    )


def _items(container: dict[str, Any], key: str, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """The objects listed under the key, each with where it is in the document."""
    path = f"{where}.{key}" if where else key
    if key not in container:
        raise TransferError(f"{where or 'The document'}: {key!r} is missing. Nothing was imported.")
    items = container[key]
    if not isinstance(items, list):
        raise TransferError(f"{path}: a list was expected, not {type(items).__name__}. Nothing was imported.")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise TransferError(
                f"{path}[{index}]: an object was expected, not {type(item).__name__}. Nothing was imported."
            )
    return [(f"{path}[{index}]", item) for index, item in enumerate(items)]


# A file name from a document names a file in the folder it is stored in, nothing else.
PLAIN_FILE_NAME = re.compile(r"[\w][\w .()+-]{0,99}")
OUR_EVIDENCE_NAME = re.compile(r"[0-9a-f]{32}\.([a-z]+)")


def _plain_file_name(name: Any) -> str:
    if not isinstance(name, str) or not PLAIN_FILE_NAME.fullmatch(name) or ".." in name:
        raise ValidationError(
            {"name": f"{name!r} is not a plain file name: no folders, “..” or other characters are allowed."}
        )
    return name


class _Importer:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        with _at("agreement"):
            self.data = document["agreement"]
            if not isinstance(self.data, dict):
                raise TypeError(f"an object was expected, not {type(self.data).__name__}")
        self.ids: dict[type[models.Model], dict[Any, int]] = defaultdict(dict)
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, Any] = {}
        self.new_organisations: list[str] = []
        self.new_users: list[str] = []
        self.written: list[models.fields.files.FieldFile] = []
        self.section_parts: dict[Any, str] = {}
        self.contents, self.names = self.verified_contents()
        self.check_stages()

    def verified_contents(self) -> tuple[dict[int, bytes], dict[int, str]]:
        """Every file's bytes, checked against its checksum and its kind, and the name it is stored under, before
        anything is written."""
        contents: dict[int, bytes] = {}
        names: dict[int, str] = {}

        def check(item: Any, where: str, evidence: bool) -> None:
            if item is None:
                return
            with _at(where):
                if not isinstance(item, dict):
                    raise TypeError(f"an object was expected, not {type(item).__name__}")
                name = _plain_file_name(item["name"])
                try:
                    content = base64.b64decode(item["content"], validate=True)
                except binascii.Error:
                    raise TransferError(
                        f"{where}: the file {name} is not valid base64; nothing was imported."
                    ) from None
                if hashlib.sha256(content).hexdigest() != item["sha256"] or len(content) != item["size"]:
                    raise TransferError(
                        f"{where}: the file {name} does not match its checksum: the document is damaged. "
                        "Nothing was imported."
                    )
                if evidence:
                    extension = evidence_extension(ContentFile(content, name=name))
                    ours = OUR_EVIDENCE_NAME.fullmatch(name)
                    names[id(item)] = name if ours and ours[1] == extension else evidence_stored_name(extension)
                elif not content.startswith(b"%PDF-"):
                    raise TransferError(f"{where}: the archived file {name} is not a PDF. Nothing was imported.")
                else:
                    names[id(item)] = f"{slugify(PurePosixPath(name).stem)[:100] or 'arkiv'}.pdf"
                contents[id(item)] = content

        for where, item in _items(self.data, "archived_pdfs", "agreement"):
            check(item, where, evidence=False)
        for where, report in _items(self.data, "follow_ups", "agreement"):
            with _at(where):
                archived = report["archived"]
            check(archived, f"{where}.archived", evidence=False)
            for line, outcome in _items(report, "commitment_outcomes", where):
                with _at(line):
                    evidence = outcome["evidence_file"]
                check(evidence, f"{line}.evidence_file", evidence=True)
        return contents, names

    def check_stages(self) -> None:
        """Only stages the product can reach: a follow-up is of a signed agreement, and what was signed or
        approved comes with the PDF archived then."""
        with _at("agreement.status"):
            Agreement._meta.get_field("status").validate(self.data["status"], None)
        signed = self.data["status"] in Agreement.FROZEN_STATUSES
        if signed and not self.data["archived_pdfs"]:
            raise TransferError(
                "agreement.archived_pdfs: a signed agreement comes with the PDF archived when it was signed, and "
                "the document has none. Nothing was imported."
            )
        for where, report in _items(self.data, "follow_ups", "agreement"):
            with _at(f"{where}.stage"):
                FollowUpReport._meta.get_field("stage").validate(report["stage"], None)
            if not signed:
                raise TransferError(
                    f"{where}: a follow-up is of a signed agreement, and the document's agreement is "
                    f"{self.data['status']}. Nothing was imported."
                )
            if report["stage"] == FollowUpReport.Stage.APPROVED and report["archived"] is None:
                raise TransferError(
                    f"{where}.archived: an approved follow-up comes with the PDF archived when it was approved, "
                    "and the document has none. Nothing was imported."
                )

    def run(self) -> Imported:
        try:
            with transaction.atomic():
                self.refuse_duplicate()
                self.load_organisations()
                self.load_users()
                self.create_content()
                self.create_follow_ups()
                self.freeze()
                self.create_history()
        except DatabaseError as error:
            self.forget_written()
            raise TransferError(f"The database refused the document ({error}); nothing was imported.") from None
        except BaseException:
            self.forget_written()
            raise
        return Imported(self.agreement, self.new_organisations, self.new_users)

    def forget_written(self) -> None:
        # Files are not part of the transaction: none may outlive an import that did not happen.
        for written in self.written:
            written.delete(save=False)

    def refuse_duplicate(self) -> None:
        def comparable(document: dict[str, Any]) -> str:
            # Users already here keep their own names and addresses.
            return document_dumps({key: value for key, value in document.items() if key != "users"})

        wanted = comparable(self.document)
        with _at("agreement"):
            candidates = list(
                Agreement.objects.filter(
                    title=_decode(Agreement._meta.get_field("title"), self.data["title"]),
                    start_date=_decode(Agreement._meta.get_field("start_date"), self.data["start_date"]),
                    revision=self.data.get("revision", 1),
                )
            )
        for candidate in candidates:
            try:
                same = comparable(agreement_export(candidate)) == wanted
            except TransferError:
                same = False
            if same:
                raise TransferError(
                    f"This agreement is already here, unchanged: agreement {candidate.pk} “{candidate.title}”. "
                    "Nothing was imported."
                )

    def load_organisations(self) -> None:
        for where, item in _items(self.document, "organisations"):
            with _at(where):
                name = _decode(Organisation._meta.get_field("name"), item["name"])
                organisation = Organisation.objects.filter(name=name).first()
                if organisation is None:
                    organisation = Organisation(name=name, kind=item["kind"])
                    _save(organisation)
                    self.new_organisations.append(organisation.name)
                elif organisation.kind != item["kind"]:
                    raise TransferError(
                        f"The organisation “{organisation.name}” is here a {organisation.get_kind_display()}, "
                        f"in the document a {Organisation.Kind(item['kind']).label}; nothing was imported."
                    )
            self.organisations[organisation.name] = organisation

    def load_users(self) -> None:
        user_model = get_user_model()
        for where, item in _items(self.document, "users"):
            with _at(where):
                username = item["username"]
                user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
                if user is None:
                    user = user_model(**{user_model.USERNAME_FIELD: username}, is_active=False)
                    _assign(user, {name: item.get(name, "") for name in ("first_name", "last_name", "email")})
                    user.set_unusable_password()
                    user.full_clean()
                    user.save()
                    self.new_users.append(username)
            self.users[username] = user

    def organisation(self, name: str) -> Organisation:
        try:
            return self.organisations[name]
        except KeyError:
            raise TransferError(f"The document names the organisation “{name}” but does not list it.") from None

    def user(self, username: str | None):
        if username is None:
            return None
        try:
            return self.users[username]
        except KeyError:
            raise TransferError(f"The document names the user “{username}” but does not list it.") from None

    def pk(self, model: type[models.Model], ref: Any) -> int | None:
        """The new id of an object of the document, which must come before what refers to it."""
        if ref is None:
            return None
        try:
            return self.ids[model][_ref_key(ref)]
        except KeyError:
            raise TransferError(
                f"The document refers to a {model._meta.verbose_name} {ref!r} it does not hold (or holds later)."
            ) from None

    def restore(self, instance: models.Model, data: dict[str, Any], ref: Any = None) -> None:
        """Save the instance with the document's values and remember it under its reference: by default its key,
        as the document gives it."""
        _assign(instance, data)
        _save(instance)
        self.keep(instance, str(instance.key) if ref is None else ref)

    def keep(self, instance: models.Model, ref: Any) -> None:
        key = _ref_key(ref)
        if key in self.ids[type(instance)]:
            raise TransferError(f"The document holds two of the {type(instance)._meta.verbose_name} {ref!r}.")
        self.ids[type(instance)][key] = instance.pk

    def create_content(self) -> None:
        data = self.data
        agreement = Agreement()
        with _at("agreement"):
            _assign(agreement, data)
            # Signed at the end: until then its content may be created.
            self.status = agreement.status
            agreement.status = Agreement.Status.DRAFT
            _save(agreement)
        self.agreement = agreement
        self.keep(agreement, "agreement")

        for where, item in _items(data, "parties", "agreement"):
            with _at(where):
                party = Party(agreement=agreement, organisation=self.organisation(item["organisation"]))
                self.restore(party, item, item["organisation"])
        for index, (where, item) in enumerate(_items(data, "signatories", "agreement")):
            with _at(where):
                signatory = Signatory(agreement=agreement, party=self.organisation(item["party"]))
                self.restore(signatory, item, index)
        for index, (where, item) in enumerate(_items(data, "forums", "agreement")):
            with _at(where):
                self.restore(CooperationForum(agreement=agreement), item, index)
        for where, item in _items(data, "sections", "agreement"):
            with _at(where):
                section = Section(agreement=agreement, parent_id=self.pk(Section, item["parent"]))
                # Parents come from this document only, so they are of this agreement; they must be of this part.
                if item["parent"] is not None and self.section_parts[_ref_key(item["parent"])] != item.get("part"):
                    raise ValidationError({"parent": "The parent section is in the other part of the agreement."})
                self.restore(section, item)
                self.section_parts[str(section.key)] = section.part
        for where, item in _items(data, "focus_areas", "agreement"):
            with _at(where):
                focus_area = FocusArea(agreement=agreement, placement_id=self.pk(Section, item["placement"]))
                self.restore(focus_area, item)
        for where, item in _items(data, "goals", "agreement"):
            with _at(where):
                goal = Goal(agreement=agreement, focus_area_id=self.pk(FocusArea, item["focus_area"]))
                self.restore(goal, item)
            if item["indicator"] is not None:
                with _at(f"{where}.indicator"):
                    self.restore(Indicator(goal=goal), item["indicator"], str(goal.key))
        for index, (where, item) in enumerate(_items(data, "action_plans", "agreement")):
            with _at(where):
                self.restore(ActionPlan(agreement=agreement), item, index)
        for where, item in _items(data, "activity_rows", "agreement"):
            with _at(where):
                row = ActivityRow(focus_area_id=self.pk(FocusArea, item["focus_area"]))
                self.restore(row, item)
                _set_related(row, "goals", [self.pk(Goal, key) for key in item["goals"]])
        for where, item in _items(data, "commitments", "agreement"):
            with _at(where):
                commitment = Commitment(
                    agreement=agreement,
                    focus_area_id=self.pk(FocusArea, item["focus_area"]),
                    action_plan_id=self.pk(ActionPlan, item["action_plan"]),
                )
                self.restore(commitment, item)
                _set_related(commitment, "parties", [self.organisation(name) for name in item["parties"]])
                _set_related(commitment, "goals", [self.pk(Goal, key) for key in item["goals"]])
            for entry_where, entry_data in _items(item, "review", where):
                with _at(entry_where):
                    entry = ReviewEntry(commitment=commitment, author=self.user(entry_data["author"]))
                    _assign(entry, entry_data)
                    _save(entry)
                    _restore_timestamps(entry, entry_data)
        if data["evaluation"] is not None:
            with _at("agreement.evaluation"):
                self.restore(Evaluation(agreement=agreement), data["evaluation"], "evaluation")
        for where, item in _items(data, "archived_pdfs", "agreement"):
            with _at(where):
                self.archive(ArchivedPdf(agreement=agreement), item)

    def archive(self, archived: ArchivedPdf | ArchivedReport, item: dict[str, Any]) -> None:
        archived.archived_by = self.user(item["archived_by"])
        archived.sha256, archived.size = item["sha256"], item["size"]
        self.store(archived.file, item)
        archived.full_clean()
        archived.save()
        type(archived).objects.filter(pk=archived.pk).update(
            archived_at=_decode(ArchivedPdf._meta.get_field("archived_at"), item["archived_at"])
        )

    def store(self, file: models.fields.files.FieldFile, item: dict[str, Any]) -> None:
        """The file under the name chosen for it when it was checked, never a name the document gives."""
        file.save(self.names[id(item)], ContentFile(self.contents[id(item)]), save=False)
        self.written.append(file)

    def create_follow_ups(self) -> None:
        self.reports: list[tuple[FollowUpReport, str]] = []
        for where, data in _items(self.data, "follow_ups", "agreement"):
            report = FollowUpReport(agreement=self.agreement)
            with _at(where):
                _assign(report, data)
                # Approved at the end: until then its lines may be created.
                stage, report.stage = report.stage, FollowUpReport.Stage.DRAFT
                _save(report)
                _restore_timestamps(report, data)
            year = report.year
            self.keep(report, year)
            for line_where, item in _items(data, "commitment_outcomes", where):
                with _at(line_where):
                    outcome = CommitmentOutcome(report=report, commitment_id=self.pk(Commitment, item["commitment"]))
                    _assign(outcome, item)
                    if item["evidence_file"] is not None:
                        self.store(outcome.evidence_file, item["evidence_file"])
                    _save(outcome)
                    outcome.evidence_file.close()
                    self.keep(outcome, [year, item["commitment"]])
                for comment_where, comment_data in _items(item, "party_comments", line_where):
                    with _at(comment_where):
                        comment = PartyComment(outcome=outcome, party=self.organisation(comment_data["party"]))
                        self.restore(comment, comment_data, [year, item["commitment"], comment_data["party"]])
            lines = (
                ("activity_outcomes", ActivityOutcome, "row", ActivityRow),
                ("indicator_values", IndicatorValue, "indicator", Indicator),
                ("focus_area_summaries", FocusAreaSummary, "focus_area", FocusArea),
            )
            for name, model, attname, to in lines:
                for line_where, item in _items(data, name, where):
                    with _at(line_where):
                        line = model(report=report, **{f"{attname}_id": self.pk(to, item[attname])})
                        self.restore(line, item, [year, item[attname]])
            if data["archived"] is not None:
                with _at(f"{where}.archived"):
                    self.archive(ArchivedReport(report=report), data["archived"])
            self.reports.append((report, stage))

    def freeze(self) -> None:
        """Last of all, the stages and the status that freeze what was created."""
        for report, stage in self.reports:
            report.stage = stage
            _save(report, update_fields=["stage"])
        agreement = self.agreement
        with _at("agreement"):
            _restore_timestamps(agreement, self.data)
            agreement.status = self.status
            _save(agreement, update_fields=["status"])

    # History ------------------------------------------------------------------------------------------------

    def create_history(self) -> None:
        with _at("history"):
            history = self.document["history"]
            if not isinstance(history, dict):
                raise TypeError(f"an object was expected, not {type(history).__name__}")
        labels = {model._meta.label_lower: model for model, _, _ in HISTORY_SCOPE}
        unknown = set(history) - set(labels)
        if unknown:
            raise TransferError(f"The document holds history of {', '.join(sorted(unknown))}, which is not imported.")
        with _at("history"):
            self.reserve_deleted(history)
        for model, _, _ in HISTORY_SCOPE:
            label = model._meta.label_lower
            records = [item for _, item in _items(history, label, "history")] if label in history else []
            rows = []
            for index, item in enumerate(records):
                with _at(f"history.{label}[{index}]"):
                    rows.append(self.record(model, item))
            created = model.history.model.objects.bulk_create(rows)
            if model is Commitment:
                self.commitment_parties(created, records)

    def reserve_deleted(self, history: dict[str, list[dict[str, Any]]]) -> None:
        """Ids for objects that no longer exist, which no object of their kind will get later."""
        wanted: dict[type[models.Model], set[int]] = defaultdict(set)
        for model, _, _ in HISTORY_SCOPE:
            relations = [f for f in _history_fields(model) if f.is_relation]
            for item in history.get(model._meta.label_lower, []):
                found = [(model, item["object"])] + [(f.related_model, item["fields"].get(f.name)) for f in relations]
                for related, ref in found:
                    if isinstance(ref, dict):
                        wanted[related].add(int(ref["deleted"]))
        for model, numbers in wanted.items():
            for number, pk in zip(sorted(numbers), _reserve_ids(model, len(numbers)), strict=True):
                self.ids[model][("deleted", number)] = pk

    def history_pk(self, model: type[models.Model], ref: Any) -> int | None:
        if ref is None:
            return None
        if model is Organisation:
            return self.organisation(ref).pk
        if model is get_user_model():
            return self.user(ref).pk
        return self.pk(model, ref)

    def record(self, model: type[models.Model], item: dict[str, Any]) -> models.Model:
        if item["type"] not in ("+", "~", "-"):
            raise TransferError(f"A history record has the unknown type {item['type']!r}.")
        history_model = model.history.model
        row = history_model(
            id=self.history_pk(model, item["object"]),
            history_date=_decode(history_model._meta.get_field("history_date"), item["date"]),
            history_type=item["type"],
            history_change_reason=item["reason"],
            history_user=self.user(item["user"]),
        )
        for f in _tracked_fields(model):
            if f.is_relation and f.related_model is Agreement and not f.primary_key:
                # Its own agreement, or a link to another agreement, which the document does not carry.
                setattr(row, f.attname, self.agreement.pk if model is not Agreement else None)
            elif _carried(f) and f.name in item["fields"]:
                value = item["fields"][f.name]
                if f.is_relation:
                    value = self.history_pk(f.related_model, value)
                elif isinstance(f, models.FileField):
                    if value and (not isinstance(value, str) or ".." in PurePosixPath(value).parts):
                        raise ValidationError({f.name: f"{value!r} is not a file of the agreement's own folder."})
                    value = _evidence_folder(self.agreement.pk) + value.lstrip("/") if value else value
                else:
                    try:
                        value = _decode(f, value)
                    except ValidationError as error:
                        raise ValidationError({f.name: error.messages}) from None
                setattr(row, f.attname, value)
        # Lengths and choices as the live objects have them. Links were resolved above (and may name deleted
        # objects), file names were checked above (the file itself is not kept with a record), and an empty value
        # is what the record held.
        files = {f.name for f in model._meta.fields if isinstance(f, models.FileField)}
        row.clean_fields(
            exclude=[
                f.name
                for f in row._meta.fields
                if f.is_relation or f.primary_key or f.name in files or getattr(row, f.attname) in (None, "")
            ]
        )
        return row

    def commitment_parties(self, created: list[models.Model], records: list[dict[str, Any]]) -> None:
        """Who committed at each recorded moment, with the id of the link as it is now, or a fresh one."""
        through = Commitment.parties.through
        link_model = _party_links()
        links = {
            (commitment_id, organisation_id): pk
            for pk, commitment_id, organisation_id in through.objects.filter(
                commitment__agreement=self.agreement
            ).values_list("pk", "commitment_id", "organisation_id")
        }
        pairs = [
            (row.id, self.history_pk(Organisation, name))
            for row, item in zip(created, records, strict=True)
            for name in item.get("parties", [])
        ]
        missing = sorted({pair for pair in pairs if pair not in links})
        links.update(zip(missing, _reserve_ids(through, len(missing)), strict=True))
        link_rows = [
            link_model(
                history=row, id=links[(row.id, organisation_id)], commitment_id=row.id, organisation_id=organisation_id
            )
            for row, item in zip(created, records, strict=True)
            for organisation_id in (self.history_pk(Organisation, name) for name in item.get("parties", []))
        ]
        link_model.objects.bulk_create(link_rows)


@contextmanager
def _without_history(instance: models.Model) -> Iterator[None]:
    """Saves of the instance (and changes to its many-to-many fields) add no history record: the document's
    records are written as they are afterwards."""
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving


def _save(instance: models.Model, **kwargs: Any) -> None:
    instance.full_clean()
    with _without_history(instance):
        instance.save(**kwargs)


def _set_related(instance: models.Model, name: str, objects: list) -> None:
    with _without_history(instance):
        getattr(instance, name).set(objects)


def _restore_timestamps(instance: models.Model, data: dict[str, Any]) -> None:
    """Creation and change times as the document has them; saving would set them to now."""
    values = {f.attname: _decode(f, data[f.name]) for f in _timestamps(type(instance)) if f.name in data}
    if values:
        type(instance)._default_manager.filter(pk=instance.pk).update(**values)
        for attname, value in values.items():
            setattr(instance, attname, value)


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Ids taken from the table's sequence, so that no object created later gets one of them."""
    if not count:
        return []
    table, column = connection.ops.quote_name(model._meta.db_table), model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [pk for (pk,) in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT tables never hand out an id below the one sqlite_sequence holds.
            name = model._meta.db_table
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [name])
            found = cursor.fetchone()
            cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {table}")  # noqa: S608
            last = max(found[0] if found else 0, cursor.fetchone()[0] or 0)
            if found:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [last + count, name])
            else:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, last + count])
            return list(range(last + 1, last + count + 1))
    raise TransferError(f"Restoring the history of deleted objects is not supported on {connection.vendor}.")
