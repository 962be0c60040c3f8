"""After every change to a follow-up report that is not approved, its PDF is laid out by a task once the change
commits, once per transaction, so that the PDF button finds it laid out."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from followup import tasks
from followup.models import FollowUpReport
from followup.services import report_start
from samverkan.lib import pdf
from samverkan.lib.pdfcache import RenderedPdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_advance(settings, monkeypatch) -> list[int]:
    """PDFs laid out in advance, with the reports the task laid out, in order."""
    settings.PDF_IN_ADVANCE = True
    laid_out: list[int] = []
    real = tasks.annual_report_pdf

    def counted(report: FollowUpReport) -> bytes:
        laid_out.append(report.pk)
        return real(report)

    monkeypatch.setattr(tasks, "annual_report_pdf", counted)
    return laid_out


def test_a_report_started_and_filled_in_is_laid_out_once_per_save(
    signed_agreement, editor, in_advance, client, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        report = report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    assert in_advance == [report.pk]  # the report and every one of its lines, laid out once

    with django_capture_on_commit_callbacks(execute=True):
        outcome = report.commitment_outcomes.first()
        outcome.achieved = 4
        outcome.save()
    assert in_advance == [report.pk, report.pk]
    assert RenderedPdf.objects.count() == 2  # the empty report and the one with the number

    monkeypatch.setattr(pdf, "_render", lambda *args, **kwargs: pytest.fail("laid out again on the PDF button"))
    client.force_login(editor)
    response = client.get(reverse("followup:pdf", args=[signed_agreement.pk, 2024]))
    assert response.status_code == 200
    assert response.content == bytes(RenderedPdf.objects.order_by("-pk").first().content)


def test_an_approved_report_is_not_laid_out_again(signed_agreement, in_advance):
    report = report_start(agreement=signed_agreement, year=2024, copy_previous=False)
    FollowUpReport.objects.filter(pk=report.pk).update(stage=FollowUpReport.Stage.APPROVED)

    tasks.lay_out_report_pdf.call(report.pk)

    assert in_advance == []
