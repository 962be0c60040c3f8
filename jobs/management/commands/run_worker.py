"""`python manage.py run_worker`: django-tasks-db's worker, which also keeps the schedule and takes back the tasks of
workers that died.

Beside the loop that takes tasks, a thread does the housekeeping every TASK_HEARTBEAT_SECONDS: it shows the worker
alive, gives the tasks of lost workers back to the queue and enqueues the periodic jobs that are due. Any number of
workers may run on any number of machines: the schedule's unique key per period lets each period be enqueued once.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

from django.conf import settings
from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from jobs.scheduler import enqueue_due
from jobs.workers import recover_abandoned_tasks, worker_seen, worker_stopped

logger = logging.getLogger("samverkan.tasks")


def housekeeping(worker_id: str) -> None:
    worker_seen(worker_id)
    recover_abandoned_tasks(me=worker_id)
    enqueue_due()


def keep_house(worker_id: str, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.TASK_HEARTBEAT_SECONDS):
            try:
                housekeeping(worker_id)
            except Exception:  # the database away for a moment: the next round tries again
                logger.exception("Worker %s: housekeeping failed", worker_id)
    finally:
        connection.close()


class Command(db_worker.Command):
    help = "Run tasks from the database queue, enqueue the periodic jobs when due, and requeue tasks of lost workers"

    def handle(self, *, worker_id: str, batch: bool, reload: bool, **options) -> None:
        if reload and not batch and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The autoreloader's watching process: it only restarts the child process that does the work.
            return super().handle(worker_id=worker_id, batch=batch, reload=reload, **options)
        housekeeping(worker_id)
        stop = threading.Event()
        if not batch:
            threading.Thread(target=keep_house, args=(worker_id, stop), daemon=True, name="housekeeping").start()
        handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            super().handle(worker_id=worker_id, batch=batch, reload=reload, **options)
        finally:
            stop.set()
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
            worker_stopped(worker_id)
