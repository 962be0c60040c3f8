"""The queue's own periodic job."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from samverkan.lib.schedule import periodic


@periodic("15 3 * * *")
@task
def prune_task_results(scheduled_for: str) -> int:
    """Delete the queue's finished tasks (failed ones too) older than TASK_RESULTS_DAYS."""
    before = timezone.now() - timedelta(days=settings.TASK_RESULTS_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()
    return deleted
