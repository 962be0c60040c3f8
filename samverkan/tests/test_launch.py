"""`make run` starts the development server and a worker with one command, and Ctrl-C stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

from jobs.tests.helpers import database_url_for_processes
from samverkan.launch import GRACE_SECONDS

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def processes_in_group(pgid: int) -> list[str]:
    listing = subprocess.run(["ps", "-ww", "-eo", "pgid=,args="], capture_output=True, text=True, check=True).stdout  # noqa: S607
    return [line.split(None, 1)[1] for line in listing.splitlines() if line.split(None, 1)[0] == str(pgid)]


def test_the_launcher_runs_the_server_and_a_worker_until_interrupted(tmp_path):
    assert "samverkan.launch --port $(PORT)" in (settings.BASE_DIR / "Makefile").read_text()
    port, output = free_port(), tmp_path / "output.log"
    environment = os.environ | {"DATABASE_URL": database_url_for_processes(tmp_path), "DEBUG": "1"}
    launcher = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "samverkan.launch", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not (answers(port) and "Starting worker" in output.read_text()):
            assert launcher.poll() is None and time.monotonic() < deadline, output.read_text()
            time.sleep(0.3)
        children = subprocess.run(  # noqa: S603
            ["ps", "-ww", "--ppid", str(launcher.pid), "-o", "pid=,args="],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        assert len(children) == 2, children
        assert f"runserver 127.0.0.1:{port}" in children[0] and "run_worker" in children[1]
        groups = [int(line.split()[0]) for line in children]  # each child leads a group of its own

        interrupted = time.monotonic()
        launcher.send_signal(signal.SIGINT)  # Ctrl-C
        assert launcher.wait(timeout=30) == 0
        assert time.monotonic() - interrupted < GRACE_SECONDS  # they stopped when asked, without being killed
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
    assert [processes_in_group(group) for group in groups] == [[], []]
    assert not answers(port)
