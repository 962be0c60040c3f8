"""A long list shown a page at a time: the page the query string asks for, or the nearest one there is."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def page_of(request: HttpRequest, items: QuerySet | Sequence, per_page: int) -> Page:
    """The requested page (`?page=N`; a number out of range or not a number gives the nearest page, never an
    error), with `numbers`: the page numbers to link to, long ranges shortened with the paginator's ellipsis."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    page.numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
