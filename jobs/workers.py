"""The worker processes as the database sees them, and the tasks of those that died given back to the queue.

django-tasks-db marks a task RUNNING when a worker takes it and nothing ever changes that if the worker is killed.
Each worker therefore has a row it refreshes every TASK_HEARTBEAT_SECONDS; a worker is lost when its row has not
been refreshed for TASK_WORKER_LOST_SECONDS, or at once when it ran on this machine and its process is gone. A
running task whose worker is lost is made READY again, and another worker runs it; after TASK_ATTEMPTS workers
were lost on it (a task that kills its worker) it is marked FAILED instead.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import Worker

logger = logging.getLogger("samverkan.tasks")
WORKER_LOST = "jobs.workers.WorkerLost"  # what the administration shows as the failed task's error


def this_machine() -> str:
    """The machine, as far as process ids go: its name and, on Linux, its process id namespace (containers sharing a
    host name have process ids of their own)."""
    try:
        namespace = f":{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:
        namespace = ""
    return socket.gethostname() + namespace


def worker_seen(worker_id: str) -> None:
    """Record that the worker is alive (and which process on which machine it is)."""
    Worker.objects.update_or_create(
        worker_id=worker_id, defaults={"host": this_machine(), "pid": os.getpid(), "seen_at": timezone.now()}
    )


def worker_stopped(worker_id: str) -> None:
    Worker.objects.filter(worker_id=worker_id).delete()


def process_gone(pid: int) -> bool:
    if pid == os.getpid():
        return True  # our own process id, left by an earlier worker that had it: that one is gone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # someone else's process
    return False


def lost_workers(now: datetime) -> set[str]:
    host = this_machine()
    silent_since = now - timedelta(seconds=settings.TASK_WORKER_LOST_SECONDS)
    return {
        worker.worker_id
        for worker in Worker.objects.all()
        if worker.seen_at < silent_since or (worker.host == host and process_gone(worker.pid))
    }


def recover_abandoned_tasks(*, me: str = "", now: datetime | None = None) -> list[str]:
    """Give the running tasks of lost workers back to the queue (or fail them after TASK_ATTEMPTS); their ids."""
    now = now or timezone.now()
    lost = lost_workers(now) - {me}
    known = set(Worker.objects.values_list("worker_id", flat=True))
    long_ago = now - timedelta(seconds=settings.TASK_WORKER_LOST_SECONDS)
    recovered = []
    for result in DBTaskResult.objects.running():
        worker = result.worker_ids[-1] if result.worker_ids else ""
        # A worker without a row (one started without run_worker) is given as long as a lost one.
        if worker not in lost and (worker in known or result.started_at > long_ago):
            continue
        # Changed only if no one has changed it since we read it: two workers recovering at once recover it once.
        unchanged = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        attempts = len(result.worker_ids)
        if attempts >= settings.TASK_ATTEMPTS:
            reason = f"The worker running the task stopped {attempts} times ({', '.join(result.worker_ids)})"
            if unchanged.update(
                status=TaskResultStatus.FAILED, finished_at=now, exception_class_path=WORKER_LOST, traceback=reason
            ):
                logger.error("Task %s (id %s) failed: %s", result.task_path, result.id, reason)
                recovered.append(str(result.id))
        elif unchanged.update(status=TaskResultStatus.READY, started_at=None):
            logger.warning("Task %s (id %s) back in the queue: worker %s lost", result.task_path, result.id, worker)
            recovered.append(str(result.id))
    Worker.objects.filter(worker_id__in=lost).delete()
    return recovered
