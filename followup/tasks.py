"""A follow-up report's PDF laid out in advance: after every change to a report that is not approved, a task lays
it out into the shared cache of laid-out PDFs, so that the PDF button finds it there."""

from __future__ import annotations

from contextlib import suppress

from django.conf import settings
from django.dispatch import receiver
from django_tasks import task

from samverkan.lib.oncommit import enqueue_once_on_commit
from samverkan.lib.pdf import RenderTooLarge

from .models import FollowUpReport, report_changed
from .pdf import annual_report_pdf


@task()
def lay_out_report_pdf(report_id: int) -> None:
    """Lay out the annual report's PDF as it is now, unless it is approved (its PDF is archived) or gone."""
    report = FollowUpReport.objects.select_related("agreement").filter(pk=report_id).first()
    if report is None or report.is_frozen:
        return
    with suppress(RenderTooLarge):  # logged; the PDF button will say so in its turn
        annual_report_pdf(report)


@receiver(report_changed)
def _lay_out_after_the_change(sender, *, report_id: int, **kwargs) -> None:
    if settings.PDF_IN_ADVANCE:
        enqueue_once_on_commit(lay_out_report_pdf, report_id)
