"""A long list shown a page at a time: the page the query string asks for, or the nearest one there is."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable
from django.http import HttpRequest

from samverkan.lib import queries

IN_ALL = "pagination_in_all"  # the number of all the items, read with each item of the page


def page_of(
    request: HttpRequest,
    items: QuerySet | Sequence | Callable[[], QuerySet],
    per_page: int,
    *,
    written_once: Hashable | None = None,
) -> Page:
    """The requested page (`?page=N`; a number out of range or not a number gives the nearest page, never an
    error), with `numbers`: the page numbers to link to, long ranges shortened with the paginator's ellipsis.

    A queryset's page is read with the number of all its items in the same query (`COUNT(*) OVER ()`): one query
    where a count and the page would be two, each planned and filtered alike. Only a page past the end (or of an
    empty list) is counted apart, to find the nearest page there is.

    With `written_once`, a key standing for everything the queryset's SQL depends on, each page's SQL is written
    once per process, and `items` may be a function that builds the queryset (of model instances, not DISTINCT): it
    is called only to write it."""
    paginator = Paginator(items, per_page)
    page = _counted_page(request, paginator, written_once) if written_once or _countable(items) else None
    if page is None:
        if callable(items):
            paginator = Paginator(items(), per_page)
        page = paginator.get_page(request.GET.get("page"))
    page.numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


def _countable(items: QuerySet | Sequence) -> bool:
    # DISTINCT is applied after a window function: the count would include the duplicates it removes.
    return isinstance(items, QuerySet) and items._iterable_class is ModelIterable and not items.query.distinct


def _counted_page(request: HttpRequest, paginator: Paginator, written_once: Hashable | None) -> Page | None:
    asked = request.GET.get("page") or "1"
    if not (asked.isascii() and asked.isdigit() and 0 < int(asked) < 10**9):  # the rest as the paginator takes them
        return None
    number = int(asked)
    start = (number - 1) * paginator.per_page
    items = paginator.object_list

    def counted() -> QuerySet:
        queryset = items() if callable(items) else items
        return queryset.annotate(**{IN_ALL: Window(Count("*"))})[start : start + paginator.per_page]

    if written_once is None:
        rows = list(counted())
    else:
        try:
            model, database, sql, params = queries.written_once((written_once, start, paginator.per_page), counted)
        except EmptyResultSet:  # nothing to ask for (`pk__in=[]`)
            return None
        rows = list(model._default_manager.db_manager(database).raw(sql, params))
    if not rows:
        return None
    paginator.count = getattr(rows[0], IN_ALL)
    return Page(rows, number, paginator)
