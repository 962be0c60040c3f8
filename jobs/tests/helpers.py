"""Helpers for the tests of the queue, whichever app's they are: running a worker in the test's process, giving
processes the tests start the test database, and whether there is a Redis to run against."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.db import connection


def work_the_queue() -> None:
    """Run a worker in this process on the database queue (the test's database) until no task is ready."""
    # The worker closes connections outside autocommit between tasks, as a request's end does; the test's
    # transaction is such a connection, and must stay open.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0", verbosity=0)


def database_url_for_processes(tmp_path: Path) -> str:
    """A DATABASE_URL at which a process started by the test finds the test database's tables: the PostgreSQL test
    database itself (the test then needs `transaction=True` to see what the process commits), or a copy of the
    SQLite one (in memory, out of other processes' reach) in a file."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        return f"sqlite:///{copy}"
    database = settings.DATABASES["default"]
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def redis_reachable() -> bool:
    """Whether a Redis answers at 127.0.0.1:6379, as on CI's machine; tests of what runs on Redis skip without one."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True
