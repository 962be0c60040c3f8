"""A PDF is laid out in a child process bounded in time and memory: a document out of all proportion costs its
reader an error page, never the worker, and nothing is signed or approved on the strength of it."""

import multiprocessing
import time
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from agreements.models import Agreement, ArchivedPdf, Section
from agreements.tests.factories import SectionFactory, SignatoryFactory
from documents.models import PartySignature
from documents.pdf import agreement_pdf
from documents.services import agreement_fingerprint, agreement_sign
from documents.tests.helpers import approve_by_every_party
from followup.models import ArchivedReport, FollowUpReport
from followup.services import report_fingerprint, report_start
from samverkan.lib import pdf
from samverkan.lib.pdf import RenderTooLarge, render_pdf

pytestmark = pytest.mark.django_db
ERROR_PAGE = "PDF:en kunde inte skapas"
# As wide and as long a table as the sanitiser lets through: seconds of layout, far past a tiny limit.
LARGE_TABLE = (
    "<table><tbody>" + ("<tr>" + '<td colspan="20">Brott per kvartal</td>' * 20 + "</tr>") * 300 + "</tbody></table>"
)


@pytest.fixture
def ready(world):
    """An agreement in review with a long table in its text and two signatories, ready to be signed."""
    agreement = world.agreement
    SectionFactory(agreement=agreement, heading="Lägesbild", body=LARGE_TABLE)
    SignatoryFactory(agreement=agreement, party=world.municipality, name="Anna Ek", order=0)
    SignatoryFactory(agreement=agreement, party=world.police, name="Bo Lind", order=1)
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.REVIEW)
    return Agreement.objects.get(pk=agreement.pk)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_a_render_past_its_time_limit_ends_on_an_error_page_and_the_worker_carries_on(client, ready, reader, settings):
    settings.PDF_RENDER_SECONDS = 0.5
    client.force_login(reader)
    started = time.monotonic()
    response = client.get(reverse("documents:pdf", args=[ready.pk]))
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert ERROR_PAGE in response.content.decode()
    assert not multiprocessing.active_children()  # the child was stopped, not left to run on
    # The same process renders the next document as ever.
    settings.PDF_RENDER_SECONDS = 45
    Section.objects.filter(agreement=ready).update(body="<p>Kort lägesbild</p>")
    response = client.get(reverse("documents:pdf", args=[ready.pk]))
    assert response.status_code == 200 and "Kort lägesbild" in pdf_text(response.content)


def test_a_signing_whose_pdf_cannot_be_made_signs_nothing(client, ready, world, editor, reviewer, settings):
    settings.PDF_RENDER_SECONDS = 0.5
    approve_by_every_party(ready)
    agreement_sign(agreement=ready, party=world.police, user=reviewer, signing_place="Hamnstad", signed_on=date.today())
    client.force_login(editor)
    data = {
        "party": world.municipality.pk,
        "signing_place": "Hamnstad",
        "signed_on": "2026-11-20",
        "loaded_fingerprint": agreement_fingerprint(ready),
    }
    response = client.post(reverse("documents:sign", args=[ready.pk]), data)  # the last signature
    assert response.status_code == 503
    assert ERROR_PAGE in response.content.decode()
    ready.refresh_from_db()
    assert ready.status == Agreement.Status.REVIEW and not ready.signing_place
    assert list(PartySignature.objects.values_list("party", flat=True)) == [world.police.pk]
    assert not ArchivedPdf.objects.exists()
    assert not (settings.MEDIA_ROOT.exists() and any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*")))


def test_a_follow_up_whose_pdf_cannot_be_made_is_neither_printed_nor_approved(client, world, reader, settings):
    agreement = world.agreement
    SectionFactory(agreement=agreement, heading="Lägesbild")
    Agreement.objects.filter(pk=agreement.pk).update(status=Agreement.Status.SIGNED)
    report = report_start(agreement=Agreement.objects.get(pk=agreement.pk), year=2024, copy_previous=False)
    FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.CONFIRMED)
    report.refresh_from_db()
    settings.PDF_RENDER_SECONDS = 0.01  # the report is short: only a limit no layout meets stops it
    client.force_login(reader)
    for draft in (
        reverse("followup:pdf", args=[agreement.pk, 2024]),
        reverse("followup:evaluation_pdf", args=[agreement.pk]),
    ):
        response = client.get(draft)
        assert response.status_code == 503 and ERROR_PAGE in response.content.decode()
    response = client.post(
        reverse("followup:transition", args=[agreement.pk, 2024, "approve"]),
        {"approved_on": "2025-03-18", "case_number": "KS 2025/112", "loaded_fingerprint": report_fingerprint(report)},
    )
    assert response.status_code == 503
    assert ERROR_PAGE in response.content.decode()
    report.refresh_from_db()
    assert report.stage == FollowUpReport.Stage.CONFIRMED and not report.case_number
    assert not ArchivedReport.objects.exists()


def test_a_render_past_its_memory_limit_is_stopped(settings):
    settings.PDF_RENDER_MEMORY_MB = 16
    fifty_megabytes = "Anmälda brott " * 3_600_000  # parsing it alone needs more
    started = time.monotonic()
    with pytest.raises(RenderTooLarge):
        render_pdf(f'<html lang="sv"><body><p>{fifty_megabytes}</p></body></html>', roots={}, archival=False)
    assert time.monotonic() - started < 5
    assert not multiprocessing.active_children()


def test_a_huge_colspan_stored_past_the_sanitiser_is_printed_clamped(ready, settings, monkeypatch):
    """Written before the sanitiser capped spans, or by an SQL update: pre_save never saw it. Unclamped, this cell
    took WeasyPrint twenty seconds."""
    settings.PDF_RENDER_SECONDS = 15
    huge = '<table><tbody><tr><td colspan="100000">Anmälda brott</td></tr></tbody></table>'
    Section.objects.filter(agreement=ready).update(body=huge)
    rendered = []
    render = pdf._render
    monkeypatch.setattr(pdf, "_render", lambda html, **options: rendered.append(html) or render(html, **options))
    started = time.monotonic()
    content = agreement_pdf(Agreement.objects.get(pk=ready.pk))
    assert time.monotonic() - started < 10
    assert "Anmälda brott" in pdf_text(content)
    assert 'colspan="20"' in rendered[0] and "100000" not in rendered[0]
