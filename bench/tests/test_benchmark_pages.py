"""benchmark_pages times every main page of a generated country and writes its figures as JSON."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PAGES = {
    "floor",
    "admin change page",
    "list as staff",
    "list as police",
    "list as editor",
    "agreement page",
    "workbench",
    "agreement form",
    "new agreement",
    "history",
    "follow-up report",
    "dashboard",
    "evaluation",
    "review",
}


def test_it_measures_every_page_and_writes_json(monkeypatch, tmp_path):
    # The archive's rendering is generate_national's own test; here it would only take time.
    monkeypatch.setattr("bench.national.agreement_pdf", lambda agreement: b"%PDF-1.7 agreement")
    monkeypatch.setattr("bench.national.annual_report_pdf", lambda report: b"%PDF-1.7 report")
    call_command("generate_national", "--scale", "0.05", stdout=StringIO())
    out, path = StringIO(), tmp_path / "pages.json"

    call_command("benchmark_pages", "--runs", "2", "--json", str(path), stdout=out)

    figures = json.loads(path.read_text())["pages"]
    assert set(figures) == PAGES
    for name, page in figures.items():
        assert page["median_ms"] > 0 and page["p95_ms"] >= page["median_ms"], name
        assert page["queries"] > 0 and page["bytes"] > 0, name
    assert figures["floor"]["x_floor"] == 1.0 and figures["admin change page"]["x_admin"] == 1.0
    assert "workbench" in out.getvalue()


def test_it_refuses_a_database_without_a_country():
    with pytest.raises(CommandError, match="generate_national"):
        call_command("benchmark_pages", "--runs", "1", stdout=StringIO())
