"""The time from the PDF button to the file received, after each of a series of edits of the large agreement: with
its PDF laid out in advance by the task each edit enqueues (the task run to its end before the button is pressed,
as a worker would have), and without (laid out on the button). It also counts how often each content was laid out.

A benchmark, not a test: it prints numbers and asserts nothing. The large agreement is built inside a transaction
that is rolled back; the tasks an edit enqueues on commit are run as that commit would run them.
"""

from __future__ import annotations

import hashlib
import math
import os
import statistics
import time
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from agreements.models import Agreement, Membership, Organisation
from focusareas.models import Commitment
from samverkan.lib import pdf

from .benchmark_pdf import MUNICIPALITY, Size, build_large_agreement, describe_large_agreement

IN_ADVANCE = "laid out in advance"
ON_THE_BUTTON = "laid out on the button"
GOAL_P95_SECONDS = 0.3


def p95(times: list[float]) -> float:
    """The 95th percentile, nearest rank: of 20 times, the 19th."""
    return sorted(times)[math.ceil(0.95 * len(times)) - 1]


class Renders:
    """Counts the layouts (the child processes `samverkan.lib.pdf` starts), per content laid out."""

    def __init__(self) -> None:
        self.per_content: Counter[str] = Counter()
        self.real = pdf._render

    def __enter__(self) -> Renders:
        def counted(html: str, **kwargs: Any) -> bytes:
            self.per_content[hashlib.sha256(html.encode()).hexdigest()] += 1
            return self.real(html, **kwargs)

        pdf._render = counted
        return self

    def __exit__(self, *exc: object) -> None:
        pdf._render = self.real


def run_on_commit_since(start: int) -> float:
    """Run what the edits since `start` asked to do once they commit (here: the task that lays the PDF out, run by
    the immediate backend as a worker would run it); how long it took."""
    began = time.perf_counter()
    for _savepoints, callback, _robust in connection.run_on_commit[start:]:
        callback()
    del connection.run_on_commit[start:]
    return time.perf_counter() - began


class Command(BaseCommand):
    """Benchmark the PDF button after edits, with the PDF laid out in advance and without."""

    help = (
        "Time the PDF button after each of N edits of the large agreement, with its PDF laid out in advance by the "
        "task each edit enqueues and without, and count the layouts per content. Rolled back afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--edits", type=int, default=20, help="edits per series (default 20)")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="size of the large agreement (0 < scale <= 1; default 1)"
        )

    def handle(self, *args: Any, edits: int, scale: float, **options: Any) -> None:
        if edits < 1:
            raise CommandError("--edits must be at least 1")
        if not 0 < scale <= 1:
            raise CommandError("--scale must be above 0 and at most 1")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        self.stdout.write(f"Load average {load:.2f} on {os.cpu_count()} CPUs.")
        tasks = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        # Building the agreement asks for no layout: only the edits do, each in its series.
        with transaction.atomic(), override_settings(TASKS=tasks, PDF_IN_ADVANCE=False), Renders() as renders:
            agreement = build_large_agreement(size=Size.scaled(scale))
            self.stdout.write(f"Large agreement: {describe_large_agreement(agreement, size=Size.scaled(scale))}.")
            client = Client()
            client.force_login(self.editor())
            url = reverse("documents:pdf", args=[agreement.pk])
            client.get(url)  # the first layout in this process also loads the fonts: not one of the edits
            series = {
                ON_THE_BUTTON: self.series(client, url, agreement, edits, in_advance=False),
                IN_ADVANCE: self.series(client, url, agreement, edits, in_advance=True),
            }
            transaction.set_rollback(True)

        self.stdout.write("")
        self.stdout.write(f"{'PDF button after an edit':<26}{'edits':>6}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
        for label, (button, _background) in series.items():
            self.stdout.write(
                f"{label:<26}{len(button):>6}{statistics.median(button):>8.3f}{p95(button):>8.3f}{max(button):>8.3f}"
            )
        background = series[IN_ADVANCE][1]
        self.stdout.write(
            f"The task laying the PDF out after an edit took {statistics.median(background):.2f} s (p50), "
            f"{p95(background):.2f} s (p95)."
        )
        counts = Counter(renders.per_content.values())
        self.stdout.write(
            f"Layouts: {sum(renders.per_content.values())} of {len(renders.per_content)} contents; "
            f"the most any content was laid out: {max(renders.per_content.values())} "
            f"({', '.join(f'{n} × {times}' for times, n in sorted(counts.items()))})."
        )
        verdict = "met" if p95(series[IN_ADVANCE][0]) <= GOAL_P95_SECONDS else "missed"
        self.stdout.write(f"Goal p95 <= {GOAL_P95_SECONDS} s once laid out in advance: {verdict}.")

    def editor(self):
        user, _ = get_user_model().objects.get_or_create(username="benchmark-pdf-button")
        municipality = Organisation.objects.get(name=MUNICIPALITY)
        Membership.objects.get_or_create(user=user, organisation=municipality, role=Membership.Role.EDITOR)
        return user

    def series(
        self, client: Client, url: str, agreement: Agreement, edits: int, *, in_advance: bool
    ) -> tuple[list[float], list[float]]:
        """Edit a commitment, let the edit's on-commit work run, press the PDF button: the button's times and the
        background layouts' times."""
        commitments = list(Commitment.objects.filter(agreement=agreement).order_by("order"))
        button, background = [], []
        with override_settings(PDF_IN_ADVANCE=in_advance):
            for edit in range(edits):
                commitment = commitments[edit % len(commitments)]
                commitment.text = f"{commitment.text.split(' (')[0]} ({'före' if in_advance else 'utan'} {edit})"
                start = len(connection.run_on_commit)
                with transaction.atomic():
                    commitment.save()
                if in_advance:
                    background.append(run_on_commit_since(start))
                began = time.perf_counter()
                response = client.get(url)
                received = response.content
                button.append(time.perf_counter() - began)
                if response.status_code != 200 or not received.startswith(b"%PDF"):
                    raise CommandError(f"The PDF button answered {response.status_code}")
        return button, background
