"""The schedule: each periodic job's task is enqueued once per period of its cron rule, read in Europe/Stockholm.

A period is known by the time its rule last fired (its start). Only the latest period is enqueued: a scheduler that
was down runs a missed period once, not once for each period it missed. The period's row in ScheduledRun is
written in the same transaction as the task (the database queue), and its unique key lets only one of two
schedulers, or of a scheduler and its own restart, enqueue it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from cronsim import CronSim
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from samverkan.lib.schedule import PeriodicJob, periodic_jobs

from .models import ScheduledRun

logger = logging.getLogger("samverkan.tasks")


def local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def period_start(rule: str, now: datetime) -> datetime:
    """The start of the period `now` is in: the last time the rule fired at or before `now`."""
    # cronsim counts back from a time strictly before the one given, unless it carries microseconds: with one
    # microsecond past the whole second, a rule firing at that very second counts as fired.
    return next(CronSim(rule, local(now).replace(microsecond=1), reverse=True))


def next_run(rule: str, now: datetime) -> datetime:
    """The next time the rule fires after `now`."""
    return next(CronSim(rule, local(now)))


def enqueue_due(*, jobs: list[PeriodicJob] | None = None, now: datetime | None = None) -> list[ScheduledRun]:
    """Enqueue each job's current period unless it has been; the runs enqueued now."""
    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs() if jobs is None else jobs:
        scheduled_for = period_start(job.rule, now)
        if ScheduledRun.objects.filter(job=job.name, scheduled_for=scheduled_for).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, scheduled_for=scheduled_for)
                result = job.task.enqueue(scheduled_for=scheduled_for.isoformat())
                run.task_result_id = str(result.id)
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another scheduler enqueued the period between our look and our insert
        logger.info("Enqueued %s for %s", job.name, scheduled_for.isoformat())
        enqueued.append(run)
    return enqueued
