"""Lost-update protection, the data side: a version claimed by a conditional UPDATE, and fingerprints of what an
action covers, compared with the state the user was shown."""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.db import models, router, transaction
from django.db.models import F, Func, Subquery, Value
from django.db.models.deletion import Collector


class StaleEdit(Exception):
    """Someone saved the object after the form was loaded; saving now would overwrite their change."""


def claim_version(*, instance: models.Model, loaded_version: int) -> None:
    """Move the stored version on from the one the form was loaded with, or raise StaleEdit.

    A conditional UPDATE is atomic on every database, so of two concurrent saves only one wins.
    """
    model: type[models.Model] = type(instance)
    claimed = model._default_manager.filter(pk=instance.pk, version=loaded_version).update(version=F("version") + 1)
    if not claimed:
        raise StaleEdit
    instance.version = loaded_version + 1


def fingerprint(rows: Iterable[tuple]) -> str:
    """A digest of (kind, pk, version) rows: it changes when any of them is changed, added or removed."""
    return hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()[:32]


def versions(queryset: models.QuerySet) -> list[tuple]:
    """The (kind, pk, version) rows of a queryset; things without a version count by their presence."""
    label = queryset.model._meta.label
    return [(label, pk, version) for pk, version in queryset.values_list("pk", _version(queryset.model))]


def versions_by(queryset: models.QuerySet, key: str) -> dict[object, list[tuple]]:
    """The (kind, pk, version) rows of a queryset grouped by each row's value of `key` (a lookup: the agreement it
    belongs to, say), so that the fingerprints of many things cost one query."""
    label = queryset.model._meta.label
    grouped: dict[object, list[tuple]] = defaultdict(list)
    for value, pk, version in queryset.values_list(key, "pk", _version(queryset.model)):
        grouped[value].append((label, pk, version))
    return grouped


def _version(model: type[models.Model]) -> str | Value:
    return "version" if any(field.name == "version" for field in model._meta.fields) else Value(0)


def claim_fingerprint(*, current: str, loaded_fingerprint: str | None) -> None:
    """Raise StaleEdit unless what an action covers is still as it was when its form was loaded. Without a form
    (None: a script acting on things as they are now) there is nothing to compare."""
    if loaded_fingerprint is not None and current != loaded_fingerprint:
        raise StaleEdit


def deletion_fingerprint(instance: models.Model) -> str:
    """The state of everything that deleting the instance would delete with it (its subsections, rows, ...)."""
    collector = Collector(using=router.db_for_write(type(instance)), origin=instance)
    collector.collect([instance])
    querysets = [model._base_manager.filter(pk__in=[obj.pk for obj in objs]) for model, objs in collector.data.items()]
    return fingerprint(row for queryset in [*querysets, *collector.fast_deletes] for row in versions(queryset))


@transaction.atomic
def content_delete(*, instance: models.Model, loaded_fingerprint: str) -> None:
    """Delete an item with everything under it, unless any of that changed after the user was shown what goes."""
    if not list(type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list("pk")):
        return  # someone else deleted it already, which is what this user asked for too
    claim_fingerprint(current=deletion_fingerprint(instance), loaded_fingerprint=loaded_fingerprint)
    instance.delete()


def latest_id(queryset: models.QuerySet, field: str = "pk") -> Subquery:
    """The highest id among the queryset's rows, as a subquery (None for none): for history records, the latest
    write to what they record. Computed as MAX(id + 0), an expression, so that PostgreSQL does not look for a few
    rows' maximum by walking a large table's primary key backwards."""
    return Subquery(queryset.order_by().values(latest=Func(F(field) + 0, function="MAX")))


def count_of(queryset: models.QuerySet) -> Subquery:
    """The number of the queryset's rows, as a subquery."""
    return Subquery(queryset.order_by().values(count=Func(F("pk"), function="COUNT")))


@functools.cache
def has_history(model: type[models.Model]) -> bool:
    """Whether django-simple-history records the model's saves (looked up once, as `history_model`)."""
    return hasattr(model, "history")


@functools.cache
def history_model(model: type[models.Model]) -> type[models.Model]:
    """The model of the model's history records (django-simple-history's), looked up once: `Model.history` builds a
    new manager class on every access, which costs more than the query it is used for."""
    return model.history.model


def history_of(model: type[models.Model]) -> models.QuerySet:
    """Every history record of the model."""
    return history_model(model)._base_manager.all()
