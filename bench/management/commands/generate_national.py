"""Generate a plausible Sweden into an empty database, to measure the pages at national scale."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from bench.national import PASSWORD, NotEmpty, generate_national


class Command(BaseCommand):
    help = (
        "Generate 290 municipalities, about 90 police areas, their agreements over two periods with four years of "
        "follow-up, reviews, archived PDFs and users, into an empty database (deterministic per seed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="share of the country (0 < scale <= 1)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same country (default 1)")

    def handle(self, *args: Any, scale: float, seed: int, **options: Any) -> None:
        if not 0 < scale <= 1:
            raise CommandError("--scale must be above 0 and at most 1")
        started = time.monotonic()

        def progress(step: str) -> None:
            self.stdout.write(f"{time.monotonic() - started:6.1f} s  {step}")

        try:
            # Nothing generated is mailed to anyone.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                country = generate_national(scale=scale, seed=seed, progress=progress)
        except NotEmpty as refusal:
            raise CommandError(str(refusal)) from None
        for what, count in country.counts.items():
            self.stdout.write(f"{count:>8}  {what}")
        self.stdout.write(
            f"Done in {time.monotonic() - started:.0f} s. The large draft is agreement {country.large_draft}. "
            f"Users: admin, staff and <role>-<organisation id>-<n>, all with the password {PASSWORD!r}."
        )
