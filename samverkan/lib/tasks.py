"""What every task shares: trying again later when the world outside fails, and failures reported in the log.

django-tasks has no retries of its own. A task that meets a passing failure (the mail server down) calls
`retry_later`, which enqueues it again after a back-off that doubles each time, with the attempt counted in its
arguments; after the last attempt the error is raised, so the task ends FAILED: kept in the queue's table for the
administrator (/admin/) and logged at ERROR on "samverkan.tasks", as is every task that fails.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished

logger = logging.getLogger("samverkan.tasks")


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after the attempt failed: TASK_RETRY_SECONDS, doubled after each further attempt."""
    return timedelta(seconds=settings.TASK_RETRY_SECONDS * 2 ** (attempt - 1))


def retry_later(task, *, attempt: int, error: Exception, **kwargs) -> None:
    """Enqueue `task` again with `attempt + 1` and the same keyword arguments after the back-off, or raise `error`
    when this was the last of TASK_ATTEMPTS. Call it from the task's `except` block."""
    if attempt >= settings.TASK_ATTEMPTS:
        raise error
    delay = retry_delay(attempt)
    logger.warning(
        "%s failed (attempt %d of %d): %r; trying again in %s", task.name, attempt, settings.TASK_ATTEMPTS, error, delay
    )
    # A backend that cannot defer (the immediate one of the tests) tries again at once.
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(attempt=attempt + 1, **kwargs)


@receiver(task_finished)
def log_failed_task(sender, task_result, **kwargs) -> None:
    if task_result.status != TaskResultStatus.FAILED:
        return
    error = task_result.errors[-1] if task_result.errors else None
    logger.error(
        "Task %s (id %s) failed: %s\n%s",
        task_result.task.module_path,
        task_result.id,
        error.exception_class_path if error else "",
        error.traceback if error else "",
    )
