"""A document written by the exporter created again as an agreement, all or nothing.

Importing creates everything in an order the freeze allows: the content while the agreement is still a draft,
a report's lines while the report is, then the statuses that freeze them. Those saves record no history; the
document's own records are written afterwards, as they are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, models, transaction
from django.utils.text import slugify

from agreements.models import (
    Agreement,
    ArchivedPdf,
    CooperationForum,
    Figure,
    Organisation,
    Party,
    Section,
    Signatory,
)
from focusareas.models import (
    ActionPlan,
    ActivityRow,
    Commitment,
    FocusArea,
    FocusAreaSection,
    Goal,
    Indicator,
    ReviewEntry,
)
from followup.models import (
    ArchivedReport,
    CommitmentOutcome,
    Evaluation,
    FollowUpReport,
    PartyComment,
    evidence_extension,
    evidence_stored_name,
)
from samverkan.lib.images import image_extension, image_stored_name

from .document import FORMAT, TransferError, _assign, _at, _decode, _items, _timestamps, document_dumps
from .exporter import agreement_export
from .history import HistoryImport
from .ids import REPORT_LINES, _ref_key


@dataclass
class Imported:
    """The imported agreement, and the organisations and users that had to be created for it."""

    agreement: Agreement
    new_organisations: list[str] = field(default_factory=list)
    new_users: list[str] = field(default_factory=list)


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


# A file name from a document names a file in the folder it is stored in, nothing else.
PLAIN_FILE_NAME = re.compile(r"[\w][\w .()+-]{0,99}")
# A name of our own (evidence, figures): a uuid with the extension of what the content is.
OUR_EVIDENCE_NAME = re.compile(r"[0-9a-f]{32}\.([a-z]+)")


def _plain_file_name(name: Any) -> str:
    if not isinstance(name, str) or not PLAIN_FILE_NAME.fullmatch(name) or ".." in name:
        raise ValidationError(
            {"name": f"{name!r} is not a plain file name: no folders, “..” or other characters are allowed."}
        )
    return name


class _Importer(HistoryImport):
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

        def check(item: Any, where: str, evidence: bool, image: bool = False) -> None:
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
                if image:
                    extension = image_extension(ContentFile(content, name=name))
                    ours = OUR_EVIDENCE_NAME.fullmatch(name)
                    names[id(item)] = name if ours and ours[1] == extension else image_stored_name(extension)
                elif evidence:
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
        # Documents written before sections had figures hold none.
        for where, figure in _items({"figures": [], **self.data}, "figures", "agreement"):
            with _at(where):
                image = figure["image"]
            check(image, f"{where}.image", evidence=False, image=True)
        # Documents written before logos were carried hold none.
        for where, organisation in _items(self.document, "organisations"):
            check(organisation.get("logo"), f"{where}.logo", evidence=False, image=True)
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
            # Users already here keep their own names and addresses, organisations their own logos.
            organisations = [
                {key: value for key, value in item.items() if key != "logo"} for item in document["organisations"]
            ]
            rest = {key: value for key, value in document.items() if key not in ("users", "organisations")}
            return document_dumps({**rest, "organisations": organisations})

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
                    self.new_organisations.append(organisation.name)
                elif organisation.kind != item["kind"]:
                    raise TransferError(
                        f"The organisation “{organisation.name}” is here a {organisation.get_kind_display()}, "
                        f"in the document a {Organisation.Kind(item['kind']).label}; nothing was imported."
                    )
                # An organisation already here keeps its own logo; one without is given the document's.
                logo = None if organisation.logo else item.get("logo")
                if logo:
                    self.store(organisation.logo, logo)
                if organisation.pk is None or logo:
                    _save(organisation)
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
        for where, item in _items({"figures": [], **data}, "figures", "agreement"):
            with _at(where):
                figure = Figure(section_id=self.pk(Section, item["section"]))
                _assign(figure, item)
                self.store(figure.image, item["image"])
                _save(figure)
                figure.image.close()
                self.keep(figure, str(figure.key))
        for where, item in _items(data, "focus_areas", "agreement"):
            with _at(where):
                focus_area = FocusArea(agreement=agreement, placement_id=self.pk(Section, item["placement"]))
                self.restore(focus_area, item)
        # Documents written before focus areas had sections hold none.
        for where, item in _items({"focus_area_sections": [], **data}, "focus_area_sections", "agreement"):
            with _at(where):
                section = FocusAreaSection(focus_area_id=self.pk(FocusArea, item["focus_area"]))
                self.restore(section, item)
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
                row = ActivityRow(
                    focus_area_id=self.pk(FocusArea, item["focus_area"]),
                    section_id=self.pk(FocusAreaSection, item.get("section")),
                )
                self.restore(row, item)
                _set_related(row, "goals", [self.pk(Goal, key) for key in item["goals"]])
        for where, item in _items(data, "commitments", "agreement"):
            with _at(where):
                commitment = Commitment(
                    agreement=agreement,
                    focus_area_id=self.pk(FocusArea, item["focus_area"]),
                    action_plan_id=self.pk(ActionPlan, item["action_plan"]),
                    section_id=self.pk(FocusAreaSection, item.get("section")),
                    # Documents written before commitments could stand in a section's text have none.
                    placement_id=self.pk(Section, item.get("placement")),
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
            year = [report.year, report.period] if report.period else report.year
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
                        reporter = comment_data.get("reported_by")  # documents written before it was carried
                        comment = PartyComment(
                            outcome=outcome,
                            party=self.organisation(comment_data["party"]),
                            reported_by=self.organisation(reporter) if reporter else None,
                        )
                        self.restore(comment, comment_data, [year, item["commitment"], comment_data["party"]])
            for name, model, attname, to in REPORT_LINES:
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
