"""Queries whose SQL Django takes longer to write than the database takes to run them (subqueries over the history
tables, the access rules, a list's page), written once per process. Either around stand-ins, ids no row has, for
the values that change from one run to the next (`with_values` puts the values in their place), or, where the
query's shape depends on the values (a list of ids of any length), under a key that stands for all of them
(`written_once`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence

from django.db import connections
from django.db.models import Model, QuerySet

# Ids no row has (every id is positive), standing for the values a query written once is run with.
ANY_AGREEMENT = -7_000_001
ANY_USER = -7_000_002
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


def any_revision(n: int) -> int:
    """The stand-in of the n-th revision of a chain of them."""
    return -7_001_000 - n


def with_values(params: Sequence, values: Mapping[int, object]) -> list:
    """The parameters of SQL written once around stand-ins, each stand-in replaced by its value."""
    return [values.get(param, param) if type(param) is int else param for param in params]
