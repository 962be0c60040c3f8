"""The weekly cycle's e-mails, one function per message (texts in templates/mail/)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from samverkan.lib.mail import deliver, render_message, send_on_commit
from samverkan.lib.pdf import RenderTooLarge
from samverkan.lib.tasks import retry_later

from .models import Reporter, Week
from .pdf import weekly_report_pdf

logger = logging.getLogger(__name__)


def send_invitation(*, reporter: Reporter, week: Week, link: str) -> None:
    """Tuesday, to a reporter: the week's survey behind their personal link."""
    send_on_commit("est_invitation", to=[reporter.email], context={"reporter": reporter, "week": week, "link": link})


def send_reminder(*, reporter: Reporter, week: Week, link: str) -> None:
    """Wednesday, to a reporter who has not answered yet."""
    send_on_commit("est_reminder", to=[reporter.email], context={"reporter": reporter, "week": week, "link": link})


def send_weekly_report(*, week: Week, to: list[str], police_notes: bool) -> None:
    """Friday, to each recipient on their own (reporters do not see each other's addresses): the week's picture,
    with the report as a PDF; `police_notes` the variant with the police's intelligence, for those who meet."""
    link = settings.SITE_URL + reverse("situation:report", kwargs={"pk": week.municipality_id, "week": week.label})
    subject, body = render_message("est_weekly_report", {"week": week, "link": link})
    for address in to:
        transaction.on_commit(
            lambda address=address: send_weekly_report_message.enqueue(
                week_id=week.pk, police_notes=police_notes, subject=subject, body=body, to=[address]
            )
        )


@task
def send_weekly_report_message(
    *, week_id: int, police_notes: bool, subject: str, body: str, to: list[str], attempt: int = 1
) -> None:
    """Send one recipient the weekly report with its PDF attached. The PDF is laid out once per week and variant:
    every other recipient's message finds it in the shared cache of laid-out PDFs (or waits for its render)."""
    week = Week.objects.select_related("municipality").get(pk=week_id)
    try:
        attachments = [
            (f"veckorapport-{week.label}.pdf", weekly_report_pdf(week, police_notes=police_notes), "application/pdf")
        ]
    except RenderTooLarge:
        logger.warning(
            "The weekly report %s of %s could not be laid out; sent with its link only", week, week.municipality
        )
        attachments = []
    try:
        deliver(subject=subject, body=body, to=to, attachments=attachments)
    except OSError as error:
        retry_later(
            send_weekly_report_message,
            attempt=attempt,
            error=error,
            week_id=week_id,
            police_notes=police_notes,
            subject=subject,
            body=body,
            to=to,
        )
