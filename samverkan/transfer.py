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
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.db.models import Prefetch
from simple_history.models import HistoricalRecords

from agreements.models import Agreement, ArchivedPdf, CooperationForum, Organisation, Party, Section, Signatory
from agreements.services import ArchiveCorrupted, verified_content
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
    validate_evidence,
)

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
    return None if value is None else f.to_python(value)


def _values(instance: models.Model) -> dict[str, Any]:
    return {f.name: _encode(f, getattr(instance, f.attname)) for f in _plain_fields(type(instance))}


def _assign(instance: models.Model, data: dict[str, Any]) -> None:
    # A field the document lacks (one added after it was written) keeps its default.
    for f in _plain_fields(type(instance)):
        if f.name in data:
            setattr(instance, f.attname, _decode(f, data[f.name]))


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

    Refused with TransferError: another format, a file whose bytes do not match its checksum, an organisation
    of another kind than the one of that name here, and an agreement identical to one already here (the same
    document is imported once; an agreement that was changed since is imported as a new one). Missing
    organisations are created; missing users are created inactive, without a usable password.
    """
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise TransferError(f"This is not a {FORMAT} document (its format is {found!r}); nothing was imported.")
    try:
        return _Importer(document).run()
    except (KeyError, TypeError, ValueError) as error:
        raise TransferError(f"The document is incomplete or malformed ({error!r}); nothing was imported.") from error


class _Importer:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.data = document["agreement"]
        self.ids: dict[type[models.Model], dict[Any, int]] = defaultdict(dict)
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, Any] = {}
        self.new_organisations: list[str] = []
        self.new_users: list[str] = []
        self.written: list[models.fields.files.FieldFile] = []
        self.contents = self.verified_contents()

    def verified_contents(self) -> dict[int, bytes]:
        """Every file's bytes, checked against its checksum and its kind before anything is written."""
        contents: dict[int, bytes] = {}

        def check(item: dict[str, Any] | None, evidence: bool) -> None:
            if item is None:
                return
            try:
                content = base64.b64decode(item["content"], validate=True)
            except binascii.Error:
                raise TransferError(f"The file {item['name']} is not valid base64; nothing was imported.") from None
            if hashlib.sha256(content).hexdigest() != item["sha256"] or len(content) != item["size"]:
                raise TransferError(
                    f"The file {item['name']} does not match its checksum: the document is damaged. "
                    "Nothing was imported."
                )
            if evidence:
                try:
                    validate_evidence(ContentFile(content, name=item["name"]))
                except ValidationError:
                    raise TransferError(f"The evidence file {item['name']} is not a PDF, PNG or JPEG file.") from None
            elif not content.startswith(b"%PDF-"):
                raise TransferError(f"The archived file {item['name']} is not a PDF.")
            contents[id(item)] = content

        for item in self.data["archived_pdfs"]:
            check(item, evidence=False)
        for report in self.data["follow_ups"]:
            check(report["archived"], evidence=False)
            for outcome in report["commitment_outcomes"]:
                check(outcome["evidence_file"], evidence=True)
        return contents

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
        except BaseException:
            # Files are not part of the transaction: none may outlive an import that did not happen.
            for written in self.written:
                written.delete(save=False)
            raise
        return Imported(self.agreement, self.new_organisations, self.new_users)

    def refuse_duplicate(self) -> None:
        def comparable(document: dict[str, Any]) -> str:
            # Users already here keep their own names and addresses.
            return document_dumps({key: value for key, value in document.items() if key != "users"})

        wanted = comparable(self.document)
        candidates = Agreement.objects.filter(
            title=self.data["title"], start_date=self.data["start_date"], revision=self.data.get("revision", 1)
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
        for item in self.document["organisations"]:
            organisation = Organisation.objects.filter(name=item["name"]).first()
            if organisation is None:
                organisation = Organisation(name=item["name"], kind=item["kind"])
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
        for item in self.document["users"]:
            username = item["username"]
            user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
            if user is None:
                user = user_model(
                    **{user_model.USERNAME_FIELD: username},
                    first_name=item.get("first_name", ""),
                    last_name=item.get("last_name", ""),
                    email=item.get("email", ""),
                    is_active=False,
                )
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
        _assign(agreement, data)
        # Signed at the end: until then its content may be created.
        self.status = agreement.status
        agreement.status = Agreement.Status.DRAFT
        _save(agreement)
        self.agreement = agreement
        self.keep(agreement, "agreement")

        for item in data["parties"]:
            party = Party(agreement=agreement, organisation=self.organisation(item["organisation"]))
            self.restore(party, item, item["organisation"])
        for index, item in enumerate(data["signatories"]):
            signatory = Signatory(agreement=agreement, party=self.organisation(item["party"]))
            self.restore(signatory, item, index)
        for index, item in enumerate(data["forums"]):
            forum = CooperationForum(agreement=agreement)
            self.restore(forum, item, index)
        for item in data["sections"]:
            section = Section(agreement=agreement, parent_id=self.pk(Section, item["parent"]))
            self.restore(section, item)
        for item in data["focus_areas"]:
            focus_area = FocusArea(agreement=agreement, placement_id=self.pk(Section, item["placement"]))
            self.restore(focus_area, item)
        for item in data["goals"]:
            goal = Goal(agreement=agreement, focus_area_id=self.pk(FocusArea, item["focus_area"]))
            self.restore(goal, item)
            if item["indicator"] is not None:
                indicator = Indicator(goal=goal)
                self.restore(indicator, item["indicator"], str(goal.key))
        for index, item in enumerate(data["action_plans"]):
            plan = ActionPlan(agreement=agreement)
            self.restore(plan, item, index)
        for item in data["activity_rows"]:
            row = ActivityRow(focus_area_id=self.pk(FocusArea, item["focus_area"]))
            self.restore(row, item)
            _set_related(row, "goals", [self.pk(Goal, key) for key in item["goals"]])
        for item in data["commitments"]:
            commitment = Commitment(
                agreement=agreement,
                focus_area_id=self.pk(FocusArea, item["focus_area"]),
                action_plan_id=self.pk(ActionPlan, item["action_plan"]),
            )
            self.restore(commitment, item)
            _set_related(commitment, "parties", [self.organisation(name) for name in item["parties"]])
            _set_related(commitment, "goals", [self.pk(Goal, key) for key in item["goals"]])
            for entry_data in item["review"]:
                entry = ReviewEntry(commitment=commitment, author=self.user(entry_data["author"]))
                _assign(entry, entry_data)
                _save(entry)
                _restore_timestamps(entry, entry_data)
        if data["evaluation"] is not None:
            evaluation = Evaluation(agreement=agreement)
            self.restore(evaluation, data["evaluation"], "evaluation")
        for item in data["archived_pdfs"]:
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
        file.save(PurePosixPath(item["name"]).name, ContentFile(self.contents[id(item)]), save=False)
        self.written.append(file)

    def create_follow_ups(self) -> None:
        self.reports: list[tuple[FollowUpReport, str]] = []
        for data in self.data["follow_ups"]:
            report = FollowUpReport(agreement=self.agreement)
            _assign(report, data)
            # Approved at the end: until then its lines may be created.
            stage, report.stage = report.stage, FollowUpReport.Stage.DRAFT
            _save(report)
            _restore_timestamps(report, data)
            year = report.year
            self.keep(report, year)
            for item in data["commitment_outcomes"]:
                outcome = CommitmentOutcome(report=report, commitment_id=self.pk(Commitment, item["commitment"]))
                _assign(outcome, item)
                if item["evidence_file"] is not None:
                    self.store(outcome.evidence_file, item["evidence_file"])
                _save(outcome)
                outcome.evidence_file.close()
                self.keep(outcome, [year, item["commitment"]])
                for comment_data in item["party_comments"]:
                    comment = PartyComment(outcome=outcome, party=self.organisation(comment_data["party"]))
                    self.restore(comment, comment_data, [year, item["commitment"], comment_data["party"]])
            lines = (
                ("activity_outcomes", ActivityOutcome, "row", ActivityRow),
                ("indicator_values", IndicatorValue, "indicator", Indicator),
                ("focus_area_summaries", FocusAreaSummary, "focus_area", FocusArea),
            )
            for name, model, attname, to in lines:
                for item in data[name]:
                    line = model(report=report, **{f"{attname}_id": self.pk(to, item[attname])})
                    self.restore(line, item, [year, item[attname]])
            if data["archived"] is not None:
                self.archive(ArchivedReport(report=report), data["archived"])
            self.reports.append((report, stage))

    def freeze(self) -> None:
        """Last of all, the stages and the status that freeze what was created."""
        for report, stage in self.reports:
            report.stage = stage
            _save(report, update_fields=["stage"])
        agreement = self.agreement
        _restore_timestamps(agreement, self.data)
        agreement.status = self.status
        _save(agreement, update_fields=["status"])

    # History ------------------------------------------------------------------------------------------------

    def create_history(self) -> None:
        history = self.document["history"]
        labels = {model._meta.label_lower: model for model, _, _ in HISTORY_SCOPE}
        unknown = set(history) - set(labels)
        if unknown:
            raise TransferError(f"The document holds history of {', '.join(sorted(unknown))}, which is not imported.")
        self.reserve_deleted(history)
        for model, _, _ in HISTORY_SCOPE:
            records = history.get(model._meta.label_lower, [])
            rows = [self.record(model, item) for item in records]
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
                    value = _evidence_folder(self.agreement.pk) + value if value else value
                else:
                    value = _decode(f, value)
                setattr(row, f.attname, value)
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
