"""The queue under real concurrency, on PostgreSQL: two schedulers at once enqueue a period once, and a task whose
worker is killed is done once, by the next worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from jobs.models import ScheduledRun, Worker
from jobs.scheduler import enqueue_due
from jobs.tests.helpers import database_url_for_processes
from samverkan.lib.schedule import PeriodicJob
from samverkan.tests.helpers import needs_real_concurrency, race

pytestmark = [needs_real_concurrency, pytest.mark.django_db(transaction=True)]


@task
def write_once(folder: str) -> None:
    """Write 'done' in the folder; the first time it runs it waits long enough to be killed on the way."""
    started = Path(folder) / "started"
    if not started.exists():
        started.write_text(str(os.getpid()))
        time.sleep(60)
    with (Path(folder) / "done").open("a") as done:
        done.write("done\n")


@task
def weekly(scheduled_for: str) -> None:
    """A periodic job."""


def test_two_schedulers_at_once_enqueue_a_period_once(database_queue):
    job = PeriodicJob(name="weekly", rule="0 7 * * 1", task=weekly, description="")
    now = timezone.now()
    outcomes = race(*[lambda: enqueue_due(jobs=[job], now=now)] * 4)
    assert outcomes == ["won"] * 4  # the losers find the period taken, which is no error
    assert ScheduledRun.objects.count() == 1
    assert DBTaskResult.objects.filter(task_path=f"{__name__}.weekly").count() == 1


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

    restarted = time.monotonic()
    second = start_worker(url, log)
    try:
        wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL)
        done_after = time.monotonic() - restarted
    finally:
        second.terminate()
        second.wait(timeout=30)
    finished = DBTaskResult.objects.get(pk=result.id)
    assert (tmp_path / "done").read_text() == "done\n", log.read_text()
    assert len(finished.worker_ids) == 2 and finished.worker_ids[0] != finished.worker_ids[1]
    assert done_after < 30, f"done {done_after:.1f} s after the second worker was started"
    assert not Worker.objects.exists()  # the second stopped cleanly, and took the first one's row away
