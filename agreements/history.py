"""The agreement's change log, read from the records django-simple-history keeps of every save."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import overload

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Count, Max, Value
from django.utils import formats
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from samverkan.lib.queries import ANY_AGREEMENT, Prepared
from samverkan.lib.versions import has_history, history_model, history_of

from .models import Agreement, Organisation, agreement_content_models, content_parent_field

User = get_user_model()

ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
HIDDEN_FIELDS = {"id", "agreement"}
LONG_TEXT = (models.TextField,)
LONG_TEXT_SHOWN = 2000  # characters of a long text shown before and after its change
SUBJECT_FIELDS = ("heading", "name", "title", "activity", "text")
# Each record read as a row of values: these first, then the model's tracked fields.
RECORD_COLUMNS = (
    "id",
    "history_type",
    "history_date",
    "history_user_id",
    "history_user__first_name",
    "history_user__last_name",
    "history_user__username",
)
ID, TYPE, WHEN, USER, FIRST_NAME, LAST_NAME, USERNAME = range(len(RECORD_COLUMNS))


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    is_long: bool


@dataclass
class Change:
    when: datetime
    who: str
    author: tuple | None  # the user who made it, with the names read with it: (id, first name, last name, username)
    action: str
    kind: str
    subject: str
    fields: list[FieldChange]


@dataclass
class _Records:
    """One model's history records as rows of values, oldest first, and the fields they track."""

    model: type[models.Model]
    fields: list[models.Field]
    rows: list[tuple]
    start: int  # where the tracked fields' values begin in a row

    def values(self, row: tuple) -> tuple:
        return row[self.start :]

    def subject(self, row: tuple, names: dict[int, str]) -> str:
        """What the record is about: its heading, name, title or text, or else the organisation it names."""
        for name in SUBJECT_FIELDS:
            for i, field in enumerate(self.fields):
                if field.name == name:
                    return strip_tags(row[self.start + i])
        return next((names.get(pk, "") for pk in self.organisation_ids(row)), "")

    def organisation_ids(self, row: tuple) -> list[int]:
        """The organisations a record names in its subject: those it is about when it has no text of its own."""
        if any(field.name in SUBJECT_FIELDS for field in self.fields):
            return []
        return [row[self.start + i] for i, field in enumerate(self.fields) if field.name == "organisation"]


@dataclass(frozen=True)
class _Entry:
    """A record that the change log shows, with the record of the same object before it (None if there is none)."""

    records: _Records
    row: tuple
    before: tuple | None

    @property
    def when(self) -> datetime:
        return self.row[WHEN]


def _records_of(model: type[models.Model], agreement_id: int) -> models.QuerySet:
    """The history records of one model of the agreement's content, deleted content included: found by the ids of
    what it hangs under as those ids appear in that model's own records."""
    if model is Agreement:
        return history_of(Agreement).filter(id=agreement_id)
    parent = content_parent_field(model)
    if parent.related_model is Agreement:
        return history_of(model).filter(**{parent.attname: agreement_id})
    owners = _records_of(parent.related_model, agreement_id).order_by().values("id")
    return history_of(model).filter(**{f"{parent.attname}__in": owners})


def _recorded_models() -> list[type[models.Model]]:
    return [model for model in agreement_content_models() if has_history(model)]


def _history_records(agreement: Agreement) -> list[_Records]:
    """The history records of the agreement and of all its content, oldest first, as rows of the values shown."""
    loaded = []
    for model in _recorded_models():
        fields = [f for f in history_model(model).tracked_fields if f.name not in HIDDEN_FIELDS]
        rows = list(
            _records_of(model, agreement.pk)
            .order_by("history_date", "history_id")
            .values_list(*RECORD_COLUMNS, *(f.attname for f in fields))
        )
        loaded.append(_Records(model, fields, rows, len(RECORD_COLUMNS)))
    return loaded


def changes_key(agreement: Agreement) -> str:
    """A digest that changes with the agreement's history records and the organisations' names: the number and
    latest id of each model's records of it (records are only ever added, with higher ids, so a record added or
    removed changes one of them; every save and delete, an administrator's included, adds one) and the latest record
    of any organisation; in one query, however long the log. With the names of the changes' authors (`authors`),
    which change without a record, the key of the log's cached HTML, which then need not be worked out."""
    with connection.cursor() as cursor:
        cursor.execute(*_changes_state().with_values({ANY_AGREEMENT: agreement.pk}))
        state = sorted(cursor.fetchall(), key=repr)
    return hashlib.sha256(repr((agreement.pk, state)).encode()).hexdigest()


@functools.cache
def _changes_state() -> Prepared:
    """The query of `changes_key`, written once: building its dozen parts takes longer than running them."""
    parts = [
        _records_of(model, ANY_AGREEMENT)
        .order_by()
        .values_list(Value(model._meta.label, output_field=models.CharField()))
        .annotate(count=Count("pk"), latest=Max("history_id"))
        for model in _recorded_models()
    ]
    organisations = (
        history_of(Organisation)
        .order_by()
        .values_list(Value(Organisation._meta.label, output_field=models.CharField()))
        .annotate(count=Value(0), latest=Max("history_id"))  # its latest alone: read from the end of an index
    )
    return Prepared.of("samverkan_changes_key", parts[0].union(*parts[1:], organisations, all=True))


def authors(changes: Iterable[Change]) -> frozenset[tuple]:
    """The users who made the changes, with their names as they were read with them."""
    return frozenset(change.author for change in changes if change.author is not None)


def authors_as_now(authors: frozenset[tuple]) -> frozenset[tuple]:
    """The same users with their names as they are now: a user renamed since, or deleted, reads otherwise."""
    users = User.objects.filter(pk__in=[author[0] for author in authors])
    return frozenset(users.values_list("pk", "first_name", "last_name", "username"))


class ChangeLog(Sequence):
    """Every recorded change to the agreement and what hangs under it, newest first. Which records are changes is
    decided for all of them (a save that changed nothing shown is none); what they changed, and how it reads, only
    for the ones asked for (a page of them)."""

    def __init__(self, agreement: Agreement) -> None:
        self.loaded = _history_records(agreement)
        entries: list[_Entry] = []
        self.latest: dict[tuple[type, int], tuple[_Records, tuple]] = {}
        for records in self.loaded:
            previous: dict[int, tuple] = {}
            for row in records.rows:
                before = previous.get(row[ID])
                previous[row[ID]] = row
                self.latest[(records.model, row[ID])] = (records, row)
                if row[TYPE] == "~" and (before is None or records.values(before) == records.values(row)):
                    continue  # a save that changed nothing shown here (or whose earlier state is not recorded)
                entries.append(_Entry(records, row, before))
        entries.sort(key=lambda entry: entry.when, reverse=True)
        self.entries = entries

    def __len__(self) -> int:
        return len(self.entries)

    @overload
    def __getitem__(self, index: int) -> Change: ...
    @overload
    def __getitem__(self, index: slice) -> list[Change]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._changes(self.entries[index])
        return self._changes([self.entries[index]])[0]

    def __iter__(self) -> Iterator[Change]:
        return iter(self._changes(self.entries))

    def _changes(self, entries: list[_Entry]) -> list[Change]:
        shown = [(entry, self._shown_fields(entry)) for entry in entries]
        names = self._organisation_names(shown)
        changes = []
        for entry, fields in shown:
            records, row, before = entry.records, entry.row, entry.before
            username = row[USERNAME]
            changes.append(
                Change(
                    when=entry.when,
                    who=f"{row[FIRST_NAME]} {row[LAST_NAME]}".strip() or username if username else "–",
                    author=row[USER : USERNAME + 1] if row[USER] is not None else None,
                    action=str(ACTIONS[row[TYPE]]),
                    kind=str(records.model._meta.verbose_name).capitalize(),
                    subject=records.subject(row, names),
                    fields=[
                        FieldChange(
                            label=str(field.verbose_name).capitalize(),
                            old=self._display(field, before[position], names) if before is not None else "",
                            new=self._display(field, row[position], names),
                            is_long=isinstance(field, LONG_TEXT),
                        )
                        for field, position in fields
                    ],
                )
            )
        return changes

    @staticmethod
    def _shown_fields(entry: _Entry) -> list[tuple[models.Field, int]]:
        records, row, before = entry.records, entry.row, entry.before
        positions = [(field, records.start + i) for i, field in enumerate(records.fields)]
        if row[TYPE] == "~":
            return [(field, position) for field, position in positions if before[position] != row[position]]
        if row[TYPE] == "+":
            return [(field, position) for field, position in positions if row[position] not in (None, "")]
        return []

    def _organisation_names(self, shown: list[tuple[_Entry, list]]) -> dict[int, str]:
        """The names of the organisations the given changes name: in a field, or as what they or what a field of
        theirs points to are about."""
        wanted: set[int] = set()
        for entry, fields in shown:
            wanted.update(entry.records.organisation_ids(entry.row))
            for field, position in fields:
                if not isinstance(field, models.ForeignKey):
                    continue
                for row in (entry.row, entry.before):
                    if row is None or row[position] is None:
                        continue
                    if field.related_model is Organisation:
                        wanted.add(row[position])
                    elif latest := self.latest.get((field.related_model, row[position])):
                        wanted.update(latest[0].organisation_ids(latest[1]))
        wanted.discard(None)
        return dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}

    def _display(self, field: models.Field, value: object, names: dict[int, str]) -> str:
        if value is None or value == "":
            return "–"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.ForeignKey):
            if field.related_model is Organisation:
                return names.get(value, f"#{value}")
            latest = self.latest.get((field.related_model, value))
            return latest[0].subject(latest[1], names) if latest else f"#{value}"
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        if isinstance(value, date):
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        if isinstance(field, LONG_TEXT):
            text = strip_tags(str(value)).strip()
            return text if len(text) <= LONG_TEXT_SHOWN else Truncator(text).chars(LONG_TEXT_SHOWN)
        return str(value)


def agreement_changes(agreement: Agreement) -> ChangeLog:
    """Every recorded change to the agreement and what hangs under it, newest first, read a page at a time."""
    return ChangeLog(agreement)
