"""The periodic jobs: each app declares its own in a `jobs.py` module with `@periodic(rule)` on a task.

A rule is a cron expression read in the service's time zone (Europe/Stockholm). The scheduler enqueues a job's task
once per period with the period's start as an ISO string (`scheduled_for`); the task must do its work once per
period whatever happens (a restart, two schedulers, a retry), so it keys what it sends or writes by that value.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    rule: str
    task: object  # a django-tasks Task whose function takes `scheduled_for: str`
    description: str


_JOBS: dict[str, PeriodicJob] = {}


def periodic(rule: str, *, description: str = ""):
    """Register a task (already wrapped by `@task`) to run on `rule`; `@periodic(...)` goes above `@task`."""

    def register(task):
        name = task.module_path
        _JOBS[name] = PeriodicJob(name=name, rule=rule, task=task, description=description or (task.func.__doc__ or ""))
        return task

    return register


def periodic_jobs() -> list[PeriodicJob]:
    """Every app's periodic jobs, by name."""
    autodiscover_modules("jobs")
    return sorted(_JOBS.values(), key=lambda job: job.name)
