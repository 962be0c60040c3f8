"""The weekly cycle's e-mails, one function per message (texts in templates/mail/)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from samverkan.lib.mail import send_on_commit

from .models import Reporter, Week


def send_invitation(*, reporter: Reporter, week: Week, link: str) -> None:
    """Tuesday, to a reporter: the week's survey behind their personal link."""
    send_on_commit("est_invitation", to=[reporter.email], context={"reporter": reporter, "week": week, "link": link})


def send_reminder(*, reporter: Reporter, week: Week, link: str) -> None:
    """Wednesday, to a reporter who has not answered yet."""
    send_on_commit("est_reminder", to=[reporter.email], context={"reporter": reporter, "week": week, "link": link})


def send_weekly_report(*, week: Week, to: list[str]) -> None:
    """Friday, to each recipient on their own (reporters do not see each other's addresses): the week's picture."""
    link = settings.SITE_URL + reverse("situation:report", kwargs={"pk": week.municipality_id, "week": week.label})
    for address in to:
        send_on_commit("est_weekly_report", to=[address], context={"week": week, "link": link})
