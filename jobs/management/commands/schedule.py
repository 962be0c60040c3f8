"""`python manage.py schedule`: every periodic job with its rule, its next run and what it does."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from jobs.models import ScheduledRun
from jobs.scheduler import enqueue_due, local, next_run
from samverkan.lib.schedule import periodic_jobs


class Command(BaseCommand):
    help = "List the periodic jobs: rule (cron, Europe/Stockholm), next run, last period enqueued and description"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="First enqueue the periods due (what run_worker does; for cron, when the tasks run elsewhere, on RQ)",
        )

    def handle(self, *args, enqueue: bool, **options) -> None:
        if enqueue:
            enqueue_due()
        jobs = periodic_jobs()
        if not jobs:
            self.stdout.write("No periodic jobs.")
        now = timezone.now()
        for job in jobs:
            last = ScheduledRun.objects.filter(job=job.name).order_by("-scheduled_for").first()
            self.stdout.write(job.name)
            self.stdout.write(f"    rule: {job.rule}")
            self.stdout.write(f"    next: {next_run(job.rule, now):%Y-%m-%d %H:%M %Z}")
            self.stdout.write(f"    last: {f'{local(last.scheduled_for):%Y-%m-%d %H:%M %Z}' if last else '-'}")
            for line in job.description.strip().splitlines():
                self.stdout.write(f"    {line.strip()}")
