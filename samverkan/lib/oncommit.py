"""Tasks enqueued when the transaction that asks for them commits, each once however often it is asked: the writes
of one save to a draft lay its PDF out once, after all of them, and a transaction rolled back enqueues nothing."""

from __future__ import annotations

from django.db import transaction


class _Enqueued:
    """The tasks one transaction asked for, each with its arguments once, enqueued when it commits."""

    def __init__(self) -> None:
        self.calls: dict[tuple, tuple] = {}
        self.done = False

    def add(self, task, args: tuple) -> None:
        self.calls.setdefault((task.module_path, args), (task, args))

    def __call__(self) -> None:
        self.done = True
        for task, args in self.calls.values():
            task.enqueue(*args)


def enqueue_once_on_commit(task, *args, using: str | None = None) -> None:
    """Enqueue `task(*args)` when the current transaction commits (at once outside one), unless this transaction
    has asked for the same already. A failure to enqueue is logged, never undoes the committed change."""
    connection = transaction.get_connection(using)
    # Django keeps the transaction's on-commit callbacks in this list, and drops those of a rolled-back savepoint.
    pending = next(
        (func for _, func, _ in connection.run_on_commit if isinstance(func, _Enqueued) and not func.done), None
    )
    if pending is None:
        pending = _Enqueued()
        pending.add(task, args)
        transaction.on_commit(pending, using=using, robust=True)
    else:
        pending.add(task, args)
