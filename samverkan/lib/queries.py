"""Queries whose SQL takes longer to write than to run, written once per process."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.db import connections
from django.db.models import Model, QuerySet

KEPT = 512  # keys may come from what a user asks for: a few are kept
_written: dict[Hashable, tuple[type[Model], str, str, tuple]] = {}


def written_once(key: Hashable, build: Callable[[], QuerySet]) -> tuple[type[Model], str, str, tuple]:
    """The model, database, SQL and parameters of the queryset `build()` gives, written the first time `key` is
    asked for: the key must stand for everything they depend on. EmptyResultSet if it can match nothing
    (`pk__in=[]`)."""
    if key not in _written:
        if len(_written) >= KEPT:
            _written.clear()
        queryset = build()
        _written[key] = (queryset.model, queryset.db, *queryset.query.sql_with_params())
    return _written[key]


def rows_once(key: Hashable, build: Callable[[], QuerySet]) -> list[tuple]:
    """The rows of `build()` (a `values_list()` of values the database gives as they are: numbers, text) by its SQL
    `written_once` under `key`."""
    _model, database, sql, params = written_once(key, build)
    with connections[database].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
