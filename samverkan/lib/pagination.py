"""A long list shown a page at a time: the page the query string asks for, or the nearest one there is."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable
from django.http import HttpRequest

IN_ALL = "pagination_in_all"  # the number of all the items, read with each item of the page


def page_of(request: HttpRequest, items: QuerySet | Sequence, per_page: int) -> Page:
    """The requested page (`?page=N`; a number out of range or not a number gives the nearest page, never an
    error), with `numbers`: the page numbers to link to, long ranges shortened with the paginator's ellipsis.

    A queryset's page is read with the number of all its items in the same query (`COUNT(*) OVER ()`): one query
    where a count and the page would be two, each planned and filtered alike. Only a page past the end (or of an
    empty list) is counted apart, to find the nearest page there is."""
    paginator = Paginator(items, per_page)
    page = _counted_page(request, paginator) if _countable(items) else None
    if page is None:
        page = paginator.get_page(request.GET.get("page"))
    page.numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page


def _countable(items: QuerySet | Sequence) -> bool:
    # DISTINCT is applied after a window function: the count would include the duplicates it removes.
    return isinstance(items, QuerySet) and items._iterable_class is ModelIterable and not items.query.distinct


def _counted_page(request: HttpRequest, paginator: Paginator) -> Page | None:
    asked = request.GET.get("page") or "1"
    if not (asked.isascii() and asked.isdigit() and 0 < int(asked) < 10**9):  # the rest as the paginator takes them
        return None
    number = int(asked)
    start = (number - 1) * paginator.per_page
    rows = list(paginator.object_list.annotate(**{IN_ALL: Window(Count("*"))})[start : start + paginator.per_page])
    if not rows:
        return None
    paginator.count = getattr(rows[0], IN_ALL)
    return Page(rows, number, paginator)
