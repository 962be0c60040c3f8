"""Queries whose SQL Django takes longer to write than the database takes to run them (subqueries over the history
tables, the access rules, a list's page), written once per process. Either around stand-ins, ids no row has, for
the values that change from one run to the next (`Prepared`, which PostgreSQL also plans once per connection), or,
where the query's shape depends on the values (a list of ids of any length), under a key that stands for all of
them (`written_once`)."""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from psycopg2 import DatabaseError

# Ids no row has (every id is positive), standing for the values a query written once is run with.
ANY_AGREEMENT = -7_000_001
ANY_USER = -7_000_002
ANY_PREVIOUS_REVISION = -7_000_003
ANY_RENEWED_AGREEMENT = -7_000_004
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


PLACEHOLDER = re.compile(r"%s|%%")
# Per database connection (the driver's own, gone when it is): whether each statement is prepared on it.
_prepared_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Prepared:
    """A query written once around stand-ins, under a name of its own. On PostgreSQL it is prepared once per
    connection (PREPARE) and run by name: the database then plans it once, where planning the two dozen subqueries
    of a cache key took it longer than running them. Elsewhere, or if the database will not prepare it, the SQL is
    run as it is."""

    name: str
    sql: str
    params: tuple

    @classmethod
    def of(cls, name: str, queryset: QuerySet) -> Prepared:
        return cls(name, *queryset.query.sql_with_params())

    def with_values(self, values: Mapping[int, object], using: str = DEFAULT_DB_ALIAS) -> tuple[str, list]:
        """The SQL to run and its parameters, each stand-in replaced by its value."""
        params = with_values(self.params, values)
        connection = connections[using]
        if connection.vendor != "postgresql" or not self._prepared(connection):
            return self.sql, params
        return f"EXECUTE {self.name}({', '.join(['%s'] * len(params))})", params

    def _prepared(self, connection) -> bool:
        connection.ensure_connection()
        driver = connection.connection
        statements = _prepared_on.setdefault(driver, {})
        if self.name not in statements:
            numbers = itertools.count(1)
            statement = PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m.group() == "%s" else "%", self.sql)
            # On the driver's own cursor: preparing is not one of the queries a page makes. In a savepoint when in a
            # transaction: a statement the database refuses must not end the transaction it was asked in.
            in_transaction = not driver.autocommit
            with driver.cursor() as cursor:
                try:
                    if in_transaction:
                        cursor.execute("SAVEPOINT samverkan_prepare")
                    cursor.execute(f"PREPARE {self.name} AS {statement}")
                except DatabaseError:
                    if in_transaction:
                        cursor.execute("ROLLBACK TO SAVEPOINT samverkan_prepare")
                    statements[self.name] = False
                else:
                    if in_transaction:
                        cursor.execute("RELEASE SAVEPOINT samverkan_prepare")
                    statements[self.name] = True
        return statements[self.name]
