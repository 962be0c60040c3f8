"""The police review's periodic job: reviews that have waited too long are reminded, every morning."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from agreements.mail import scheduled_day
from samverkan.lib.schedule import periodic

from .reminders import send_review_reminders


@periodic("0 7 * * *")
@task()
def remind_waiting_reviews(scheduled_for: str) -> int:
    """Remind the police's reviewers of a review that has waited REVIEW_REMINDER_DAYS, and after as many more."""
    with translation.override(settings.LANGUAGE_CODE):
        return send_review_reminders(today=scheduled_day(scheduled_for))
