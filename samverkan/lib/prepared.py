"""Queries whose SQL Django takes longer to build than the database takes to run them (subqueries over the history
tables, the access rules): built once per process around stand-ins, ids no row has, for the values that change,
and run with the values in their place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Ids no row has (every id is positive), standing for the values a query written once is run with.
ANY_AGREEMENT = -7_000_001
ANY_USER = -7_000_002


def any_revision(n: int) -> int:
    """The stand-in of the n-th revision of a chain of them."""
    return -7_001_000 - n


def with_values(params: Sequence, values: Mapping[int, object]) -> list:
    """The parameters of SQL written once, each stand-in replaced by its value."""
    return [values.get(param, param) if type(param) is int else param for param in params]
