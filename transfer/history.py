"""The history records of everything under an agreement, both ways: written into the document and created again
from it, as they are."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import PurePosixPath
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, models
from simple_history.models import HistoricalRecords

from agreements.models import Agreement, Organisation, content_parent_field
from focusareas.models import Commitment

from .document import TransferError, _at, _carried, _decode, _encode, _items, _moment
from .ids import _evidence_folder


@cache
def history_scope() -> tuple[tuple[type[models.Model], str, type[models.Model] | None], ...]:
    """The tracked models whose history belongs to an agreement, parents first, each with the field tying its records
    to its parent's objects, live or deleted, and that parent: the agreement, then every tracked model that declares
    its `agreement_path`, content and follow-up alike, found in the app registry."""
    under = [model for model in apps.get_models() if hasattr(model, "agreement_path") and hasattr(model, "history")]
    scope: list[tuple[type[models.Model], str, type[models.Model] | None]] = [(Agreement, "id", None)]
    # A model's path runs through its parent's, one hop longer: the shorter paths come first.
    for model in sorted(under, key=lambda model: model.agreement_path.count("__")):
        parent = content_parent_field(model)
        scope.append((model, parent.attname, parent.related_model))
    return tuple(scope)


def _party_links() -> type[models.Model]:
    """simple-history's record of who committed: a row per party for each record of a commitment."""
    return HistoricalRecords.m2m_models[Commitment._meta.get_field("parties")]


@cache
def _tracked_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(model.history.model.tracked_fields)


def _history_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a history record carries: links to agreements are implied (its own) or left out (others')."""
    return [f for f in _tracked_fields(model) if _carried(f) and not (f.is_relation and f.related_model is Agreement)]


class HistoryExport:
    """The history half of the exporter: it names objects through the exporter's `refs`, `organisation` and `user`."""

    def history(self) -> dict[str, list[dict[str, Any]]]:
        loaded: dict[type[models.Model], list] = {}
        ids: dict[type[models.Model], set[int]] = {Agreement: {self.agreement.pk}}
        for model, parent_field, parent in history_scope():
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


class HistoryImport:
    """The history half of the importer: it finds objects through the importer's `ids`, `pk`, `organisation` and
    `user`."""

    def create_history(self) -> None:
        with _at("history"):
            history = self.document["history"]
            if not isinstance(history, dict):
                raise TypeError(f"an object was expected, not {type(history).__name__}")
        labels = {model._meta.label_lower: model for model, _, _ in history_scope()}
        unknown = set(history) - set(labels)
        if unknown:
            raise TransferError(f"The document holds history of {', '.join(sorted(unknown))}, which is not imported.")
        with _at("history"):
            self.reserve_deleted(history)
        for model, _, _ in history_scope():
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
        for model, _, _ in history_scope():
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
