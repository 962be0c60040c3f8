"""`make run`'s launcher: the development server and a worker (which keeps the schedule) side by side, in one
terminal, stopped together by Ctrl-C.

    python -m samverkan.launch [--port 8000]

Each runs in a process group of its own, so that the interrupt reaches only this launcher, which asks each whole
group (the autoreloader's process and the one it restarts) to terminate and waits for them: a worker in the middle
of a task finishes it first. When one of them ends on its own the other is stopped too.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_SECONDS = 10
BASE_DIR = Path(__file__).resolve().parent.parent


def commands(port: int) -> list[list[str]]:
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    return [[*manage, "runserver", f"127.0.0.1:{port}"], [*manage, "run_worker"]]


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(children: list[subprocess.Popen]) -> None:
    """Terminate every child's group, wait for the groups to end, and kill what is left after the grace period."""
    for child in children:
        if group_alive(child.pid):
            # SIGTERM rather than SIGINT: a shell starting us in the background has its children ignore SIGINT.
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children:
        while group_alive(child.pid) and time.monotonic() < deadline:
            child.poll()  # reaps the group's leader once it has ended
            time.sleep(0.1)
        if group_alive(child.pid):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the development server and a worker until Ctrl-C")
    parser.add_argument("--port", type=int, default=8000)
    port = parser.parse_args(argv).port
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    children = [
        subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)  # noqa: S603  (our own commands)
        for command in commands(port)
    ]
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.2)
    except KeyboardInterrupt:
        return 0
    finally:
        stop(children)
    return 1  # one of them ended without being asked


if __name__ == "__main__":
    sys.exit(main())
