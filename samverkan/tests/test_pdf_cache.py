"""Laid-out PDFs are shared by every process through the database: a PDF laid out by one process is served by
another without a second layout, a request for content being laid out waits for that render, and the cache keeps
to its size limits by forgetting the least recently used."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from documents.pdf import agreement_pdf
from samverkan.lib import pdf, pdfcache
from samverkan.lib.pdfcache import RenderedPdf, cached_pdf
from samverkan.tests.helpers import needs_real_concurrency, race

pytestmark = pytest.mark.django_db


def never_rendered() -> bytes:
    raise AssertionError("laid out although the cache had it")


def test_a_pdf_is_laid_out_once_and_then_served_from_the_cache():
    renders = []

    def render() -> bytes:
        renders.append(1)
        return b"%PDF-1.7 first"

    assert cached_pdf("a" * 64, render) == b"%PDF-1.7 first"
    assert cached_pdf("a" * 64, never_rendered) == b"%PDF-1.7 first"
    assert len(renders) == 1
    assert RenderedPdf.objects.get(digest="a" * 64).size == len(b"%PDF-1.7 first")


def test_the_least_recently_used_pdfs_go_when_the_total_passes_the_budget(settings):
    settings.PDF_CACHE_TOTAL_BYTES = 250
    cached_pdf("old", lambda: b"o" * 100)
    cached_pdf("used", lambda: b"u" * 100)
    hour_ago = timezone.now() - timedelta(hours=1)
    RenderedPdf.objects.filter(digest="old").update(last_used=hour_ago - timedelta(minutes=1))
    RenderedPdf.objects.filter(digest="used").update(last_used=hour_ago)
    cached_pdf("used", never_rendered)  # read again: now the most recently used of the two

    cached_pdf("new", lambda: b"n" * 100)

    assert set(RenderedPdf.objects.values_list("digest", flat=True)) == {"used", "new"}


def test_a_pdf_larger_than_an_entry_may_be_is_served_but_not_kept(settings):
    settings.PDF_CACHE_ENTRY_BYTES = 50
    assert cached_pdf("big", lambda: b"b" * 51) == b"b" * 51
    assert not RenderedPdf.objects.exists()


def test_a_request_for_content_being_laid_out_waits_for_that_render(monkeypatch):
    claim = RenderedPdf.objects.create(digest="busy")  # another process is laying it out
    waits = []

    def other_process_finishes(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            RenderedPdf.objects.filter(pk=claim.pk).update(content=b"%PDF laid out there", size=19)

    monkeypatch.setattr(pdfcache.time, "sleep", other_process_finishes)

    assert cached_pdf("busy", never_rendered) == b"%PDF laid out there"
    assert len(waits) == 3


def test_a_claim_left_by_a_process_that_died_is_taken_over(settings):
    long_ago = timezone.now() - timedelta(seconds=settings.PDF_RENDER_SECONDS + pdfcache.CLAIM_GRACE_SECONDS + 1)
    RenderedPdf.objects.create(digest="orphan", created_at=long_ago)

    assert cached_pdf("orphan", lambda: b"%PDF again") == b"%PDF again"
    assert bytes(RenderedPdf.objects.get(digest="orphan").content) == b"%PDF again"


def test_a_failed_render_leaves_no_claim_behind():
    def fails() -> bytes:
        raise pdf.RenderTooLarge("more than 45 s")

    with pytest.raises(pdf.RenderTooLarge):
        cached_pdf("fails", fails)
    assert not RenderedPdf.objects.exists()


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's test database lives in this process's memory, where another process cannot read it",
)
@pytest.mark.django_db(transaction=True)
def test_a_pdf_laid_out_by_another_process_is_served_here_without_laying_it_out(world, tmp_path, monkeypatch):
    written = tmp_path / "agreement.pdf"
    subprocess.run(  # noqa: S603 -- our own manage.py with arguments we build
        [sys.executable, "manage.py", "agreement_pdf", str(world.agreement.pk), "-o", str(written)],
        cwd=Path(settings.BASE_DIR),
        env={**os.environ, "DATABASE_URL": _database_url()},
        check=True,
        capture_output=True,
        timeout=120,
    )
    monkeypatch.setattr(pdf, "_render", lambda *args, **kwargs: never_rendered())

    assert agreement_pdf(world.agreement) == written.read_bytes()
    assert RenderedPdf.objects.count() == 1


@needs_real_concurrency
@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_for_one_draft_lay_it_out_once(world, editor, monkeypatch):
    renders = []
    lock = threading.Lock()
    render = pdf._render

    def counted(*args, **kwargs) -> bytes:
        with lock:
            renders.append(1)
        return render(*args, **kwargs)

    monkeypatch.setattr(pdf, "_render", counted)
    url = reverse("documents:pdf", args=[world.agreement.pk])
    received = []

    def request() -> None:
        client = Client()
        client.force_login(editor)
        response = client.get(url)
        assert response.status_code == 200
        received.append(response.content)

    assert race(request, request) == ["won", "won"]
    assert len(renders) == 1
    assert len(received) == 2 and received[0] == received[1]
