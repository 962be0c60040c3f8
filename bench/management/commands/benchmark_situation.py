"""The situation picture at a year's size: the Thursday meeting page, the municipality's page and the weekly report
with a year of weekly answers (12 factors, 6 places, 40 reporters), and the import of five years of monthly
statistics (5 × 12 months × 30 crime types × 10 places: 18,000 rows), read, checked and stored.

A benchmark, not a test: it prints numbers and asserts nothing. Its data is built inside a transaction that is
rolled back, so it can run against any database.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import Membership, Organisation
from situation import services
from situation.models import DEFAULT_FACTORS, Answer, Factor, Place, Rating, Reporter, Week
from situation.statistics import parse, read_table

MUNICIPALITY = "Mätköpings kommun"


class RolledBack(Exception):
    pass


def build_year(*, weeks: int, reporters: int, seed: int = 1) -> tuple[Organisation, Week]:
    """A municipality with the checklist's 12 factors, 6 places, the reporters and `weeks` closed weeks answered by
    about 70 % of them; the last closed week."""
    rng = random.Random(seed)  # noqa: S311 -- plausible figures, not secrets
    municipality = Organisation.objects.create(name=MUNICIPALITY, kind=Organisation.Kind.MUNICIPALITY)
    factors = [Factor.objects.create(municipality=municipality, name=n, order=i) for i, n in enumerate(DEFAULT_FACTORS)]
    places = [Place.objects.create(municipality=municipality, name=f"Område {i + 1}", order=i) for i in range(6)]
    people = Reporter.objects.bulk_create(
        Reporter(municipality=municipality, name=f"Rapportör {n}", email=f"rapportor{n}@example.se")
        for n in range(1, reporters + 1)
    )
    monday = services.monday_of(timezone.localdate()) - timedelta(weeks=weeks)
    now, week = timezone.now(), None
    for n in range(weeks):
        week = Week.objects.create(
            municipality=municipality, monday=monday + timedelta(weeks=n), closed_at=now, reported_at=now
        )
        answers = Answer.objects.bulk_create(Answer(week=week, reporter=r) for r in people if rng.random() < 0.7)
        Rating.objects.bulk_create(
            Rating(answer=a, factor=f, place=p, value=rng.choice((None, 0, 1, 1, 2, 3)))
            for a in answers
            for f in factors
            for p in places
        )
    return municipality, week


def statistics_file(years: int, crime_types: int, places: int) -> bytes:
    lines = ["Månad;Brottstyp;Plats;Antal"]
    for year in range(2020, 2020 + years):
        for month in range(1, 13):
            for crime_type in range(crime_types):
                for place in range(places):
                    lines.append(f"{year}-{month:02d};Brottstyp {crime_type};Plats {place};{(month + place) % 9}")
    return "\n".join(lines).encode()


class Command(BaseCommand):
    help = "Times the Thursday meeting page with a year of weekly answers, and a five-year statistics import."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", type=int, default=52, help="weeks of answers (default 52)")
        parser.add_argument("--reporters", type=int, default=40, help="reporters (default 40)")
        parser.add_argument("--runs", type=int, default=20, help="requests per page (default 20)")
        parser.add_argument("--years", type=int, default=5, help="years of monthly statistics to import (default 5)")

    def handle(self, *args, weeks: int, reporters: int, runs: int, years: int, **options) -> None:
        if weeks < 1 or runs < 1 or years < 1:
            raise CommandError("--weeks, --runs and --years must be at least 1.")
        try:
            with transaction.atomic():
                self._measure(weeks=weeks, reporters=reporters, runs=runs, years=years)
                raise RolledBack
        except RolledBack:
            pass

    def _measure(self, *, weeks: int, reporters: int, runs: int, years: int) -> None:
        started = time.perf_counter()
        municipality, week = build_year(weeks=weeks, reporters=reporters)
        user = get_user_model().objects.create_user("benchmark-situation")
        Membership.objects.create(user=user, organisation=municipality, role=Membership.Role.EDITOR)
        ratings = Rating.objects.filter(answer__week__municipality=municipality).count()
        self.stdout.write(
            f"{weeks} weeks, {reporters} reporters, {ratings} ratings, built in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(user)
        pages = {
            "Thursday meeting page": reverse("situation:week", kwargs={"pk": municipality.pk, "week": week.label}),
            "municipality page": reverse("situation:municipality", args=[municipality.pk]),
            "weekly report": reverse("situation:report", kwargs={"pk": municipality.pk, "week": week.label}),
        }
        self.stdout.write(f"{'page':<24}{'queries':>8}{'median ms':>11}{'KiB':>6}")
        for name, url in pages.items():
            client.get(url)
            times = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries:
                    begin = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - begin) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{name} answered {response.status_code}")
            median = statistics.median(times)
            size = len(response.content) // 1024
            self.stdout.write(f"{name:<24}{len(queries.captured_queries):>8}{median:>11.0f}{size:>6}")

        content = statistics_file(years, 30, 10)
        begin = time.perf_counter()
        reading = parse(read_table("brott.csv", content))
        read = time.perf_counter() - begin
        payload = services.statistics_payload(municipality=municipality, source="police", rows=reading.rows)
        begin = time.perf_counter()
        services.statistics_import(municipality=municipality, payload=payload)
        stored = time.perf_counter() - begin
        self.stdout.write(
            f"statistics import: {len(reading.rows)} rows, {len(reading.errors)} errors; "
            f"read and checked in {read:.2f} s, stored in {stored:.2f} s"
        )
