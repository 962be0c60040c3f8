"""The follow-up's periodic jobs: reminders before each year's deadline, every morning, and the weekly summary of
what waits for each user, on Monday mornings. Each sends what it sends once per period, however often it runs."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from agreements.mail import scheduled_day
from samverkan.lib.schedule import periodic

from .reminders import send_deadline_reminders, send_weekly_digest


@periodic("0 7 * * *")
@task()
def remind_follow_up_deadlines(scheduled_for: str) -> int:
    """Remind the parties whose turn it is 30, 14 and 3 days (FOLLOW_UP_REMINDER_DAYS) before a follow-up is due."""
    with translation.override(settings.LANGUAGE_CODE):
        return send_deadline_reminders(today=scheduled_day(scheduled_for))


@periodic("0 7 * * 1")
@task()
def send_weekly_summaries(scheduled_for: str) -> int:
    """Every Monday morning, each user's "Att göra" and what is late, by e-mail."""
    with translation.override(settings.LANGUAGE_CODE):
        return send_weekly_digest(week_of=scheduled_day(scheduled_for))
