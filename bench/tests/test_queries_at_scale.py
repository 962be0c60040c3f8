"""Every main page costs the same number of queries in a country of a few municipalities as in one ten times the
size: what a page reads does not grow with the country."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from bench.management.commands.benchmark_pages import choose_pages

pytestmark = pytest.mark.django_db


def queries_per_page(scale: float) -> dict[str, int]:
    with transaction.atomic():
        call_command("generate_national", "--scale", str(scale), stdout=StringIO())
        counts = {}
        for page in choose_pages():
            page.get()  # the first request of a session may set things up (a language, a session row)
            page.count_queries()
            counts[page.name] = page.queries
        transaction.set_rollback(True)
    return counts


def test_each_page_costs_the_same_queries_at_ten_times_the_size(monkeypatch):
    # The archive's rendering is generate_national's own test; here it would only take time.
    monkeypatch.setattr("bench.national.agreement_pdf", lambda agreement: b"%PDF-1.7 agreement")
    monkeypatch.setattr("bench.national.annual_report_pdf", lambda report: b"%PDF-1.7 report")

    small, large = queries_per_page(0.01), queries_per_page(0.1)

    assert set(small) == set(large) and "list as staff" in small
    assert small == large
