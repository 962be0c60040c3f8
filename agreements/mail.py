"""Reminders: an e-mail to each user once per reminder, subject and period, whatever runs the job that sends it."""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from samverkan.lib.mail import send_on_commit

from .models import Membership, SentReminder


def send_once(*, reminder: str, about: str, period: str, members: QuerySet[Membership], context: dict) -> int:
    """Send templates/mail/<reminder>_*.txt to each user of `members` who wants e-mail and has not had this
    reminder about this for this period; a unique row per (reminder, about, period, user) records it in the same
    transaction, so two runs send one e-mail. The number sent."""
    sent = 0
    users = {m.user_id: m.user for m in members.addressed().select_related("user").order_by("user_id")}
    for user in users.values():
        try:
            with transaction.atomic():
                SentReminder.objects.create(reminder=reminder, about=about, period=period, recipient=user)
                send_on_commit(reminder, to=[user.email], context=context | {"user": user})
        except IntegrityError:
            continue  # sent already, by this job's earlier run or another at the same time
        sent += 1
    return sent


def scheduled_day(scheduled_for: str) -> date:
    """The day, in the service's time zone, of a periodic job's period as the scheduler passes it (an ISO string)."""
    moment = datetime.fromisoformat(scheduled_for)
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
