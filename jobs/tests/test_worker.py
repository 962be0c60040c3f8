"""The worker: a task it was running when it died goes back to the queue and is done once, by another worker."""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from jobs.models import Worker
from jobs.workers import recover_abandoned_tasks
from samverkan.tests.helpers import database_url_for_processes, needs_real_concurrency

pytestmark = pytest.mark.django_db


@task
def write_once(folder: str) -> None:
    """Write 'done' in the folder; the first time it runs it waits long enough to be killed on the way."""
    started = Path(folder) / "started"
    if not started.exists():
        started.write_text(str(os.getpid()))
        time.sleep(60)
    with (Path(folder) / "done").open("a") as done:
        done.write("done\n")


def gone_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen(["true"])  # noqa: S607
    process.wait()
    return process.pid


def running(worker_id: str, *, started: timedelta = timedelta(0), claims: int = 1) -> str:
    result = write_once.enqueue(folder="/nonexistent")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started,
        worker_ids=[f"earlier-{n}" for n in range(claims - 1)] + [worker_id],
    )
    return str(result.id)


def test_tasks_of_lost_workers_go_back_to_the_queue_and_those_of_live_ones_stay(database_queue, settings, caplog):
    settings.TASK_ATTEMPTS, settings.TASK_WORKER_LOST_SECONDS = 3, 60
    here, now = socket.gethostname(), timezone.now()
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


def start_worker(database_url: str, log: Path) -> subprocess.Popen:
    environment = os.environ | {"DATABASE_URL": database_url, "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-reload", "--interval=0.2", "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.2)


@needs_real_concurrency
@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_is_killed_is_done_once_by_the_next_worker(database_queue, tmp_path):
    result = write_once.enqueue(folder=str(tmp_path))
    url, log = database_url_for_processes(tmp_path), tmp_path / "workers.log"
    first = start_worker(url, log)
    try:
        wait_for(lambda: (tmp_path / "started").exists())
        assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.wait()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING  # as the killed worker left it

    killed_at = time.monotonic()
    second = start_worker(url, log)
    try:
        wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL)
        done_after = time.monotonic() - killed_at
    finally:
        second.terminate()
        second.wait(timeout=30)
    finished = DBTaskResult.objects.get(pk=result.id)
    assert (tmp_path / "done").read_text() == "done\n", log.read_text()
    assert len(finished.worker_ids) == 2 and finished.worker_ids[0] != finished.worker_ids[1]
    assert done_after < 30, f"done {done_after:.1f} s after the second worker was started"
    assert not Worker.objects.exists()  # the second stopped cleanly, and took the first one's row away
