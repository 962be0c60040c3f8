"""Workers that died: the tasks they were running go back to the queue (the race of a real kill and restart is in
samverkan/tests/test_queue_races.py)."""

import logging
import os
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from jobs.models import Worker
from jobs.workers import recover_abandoned_tasks, this_machine

pytestmark = pytest.mark.django_db


@task
def anything() -> None:
    """A task to be found running."""


def gone_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen(["true"])  # noqa: S607
    process.wait()
    return process.pid


def running(worker_id: str, *, started: timedelta = timedelta(0), claims: int = 1) -> str:
    result = anything.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started,
        worker_ids=[f"earlier-{n}" for n in range(claims - 1)] + [worker_id],
    )
    return str(result.id)


def test_tasks_of_lost_workers_go_back_to_the_queue_and_those_of_live_ones_stay(database_queue, settings, caplog):
    settings.TASK_ATTEMPTS, settings.TASK_WORKER_LOST_SECONDS = 3, 60
    here, now = this_machine(), timezone.now()
    Worker.objects.create(worker_id="killed", host=here, pid=gone_pid(), seen_at=now)
    Worker.objects.create(worker_id="alive", host=here, pid=os.getppid(), seen_at=now)
    Worker.objects.create(worker_id="silent", host="elsewhere", pid=1, seen_at=now - timedelta(seconds=61))
    Worker.objects.create(worker_id="far", host="elsewhere", pid=1, seen_at=now - timedelta(seconds=59))
    tasks = {
        "of the killed worker": running("killed"),
        "of a live worker": running("alive"),
        "of a silent worker": running("silent"),
        "of a worker elsewhere": running("far"),
        "killing its workers": running("killed", claims=3),
        "of a worker without a row, just begun": running("unregistered"),
        "of a worker without a row, long ago": running("unregistered", started=timedelta(minutes=2)),
    }
    with caplog.at_level(logging.WARNING, logger="samverkan.tasks"):
        recovered = recover_abandoned_tasks()

    status = {name: DBTaskResult.objects.get(pk=pk).status for name, pk in tasks.items()}
    assert status == {
        "of the killed worker": TaskResultStatus.READY,
        "of a live worker": TaskResultStatus.RUNNING,
        "of a silent worker": TaskResultStatus.READY,
        "of a worker elsewhere": TaskResultStatus.RUNNING,
        "killing its workers": TaskResultStatus.FAILED,
        "of a worker without a row, just begun": TaskResultStatus.RUNNING,
        "of a worker without a row, long ago": TaskResultStatus.READY,
    }
    assert sorted(recovered) == sorted(tasks[name] for name, value in status.items() if value != "RUNNING")
    assert set(Worker.objects.values_list("worker_id", flat=True)) == {"alive", "far"}
    [error] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert error.name == "samverkan.tasks" and "stopped 3 times" in error.getMessage()
    assert recover_abandoned_tasks() == []  # done once
