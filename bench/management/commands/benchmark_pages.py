"""How long the main pages take as each kind of user, against the floor (a trivial authenticated page) and the
admin change page of the same agreement, in one interleaved run.

A benchmark, not a test: it prints numbers and asserts nothing. Run it against a database with data in it, e.g.
one made by `generate_national` (or the demo's); it reads and changes nothing (every request is a GET).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, Membership, Organisation
from followup.models import FollowUpReport

User = get_user_model()
FLOOR = "floor"
ADMIN = "admin change page"


@dataclass
class Page:
    """One page as one user: its address, the client logged in as that user, and what was measured."""

    name: str
    url: str
    client: Client
    times: list[float] = field(default_factory=list)
    queries: int = 0
    size: int = 0

    def get(self) -> float:
        started = time.perf_counter()
        response = self.client.get(self.url, secure=True)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise CommandError(f"{self.name}: {self.url} answered {response.status_code}")
        self.size = len(response.content)
        return elapsed

    def count_queries(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            self.get()
        self.queries = len(queries)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def member(organisation_ids, role: str):
    membership = (
        Membership.objects.filter(organisation__in=organisation_ids, role=role, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    return membership.user if membership else None


def choose_pages() -> list[Page]:
    """The pages of the largest agreements of each kind, each read by a user who would read it."""
    staff = User.objects.filter(is_staff=True, is_superuser=False, is_active=True).order_by("pk").first()
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is None:
        raise CommandError("No superuser to open the admin change page with: run generate_national first.")
    by_size = Agreement.objects.annotate(
        size=Count("focus_areas__rows", distinct=True) + Count("commitments", distinct=True)
    ).order_by("-size", "pk")
    draft = by_size.filter(status=Agreement.Status.DRAFT).first()
    in_review = by_size.filter(status=Agreement.Status.REVIEW).first()
    # The annual report the council reads: an approved year, the largest.
    report = (
        FollowUpReport.objects.annotate(
            approved=Q(stage=FollowUpReport.Stage.APPROVED),
            lines=Count("activity_outcomes") + Count("commitment_outcomes"),
        )
        .order_by("-approved", "-lines", "-year", "pk")
        .select_related("agreement")
        .first()
    )
    if draft is None or report is None:
        raise CommandError("The database needs a draft and a follow-up report: run generate_national first.")
    parties = list(draft.party_links.values_list("organisation_id", flat=True))
    editor = member(parties, Membership.Role.EDITOR)
    report_parties = list(report.agreement.party_links.values_list("organisation_id", flat=True))
    reader = member(report_parties, Membership.Role.READER) or member(report_parties, Membership.Role.EDITOR)
    # The police area with the most agreements.
    police = (
        Organisation.objects.filter(kind__in=Organisation.POLICE_KINDS)
        .annotate(party_to=Count("agreement_parties"))
        .filter(~Q(memberships=None))
        .order_by("-party_to", "pk")
        .first()
    )
    police_user = member([police.pk], Membership.Role.REVIEWER) if police else None
    clients = {user.pk: client_for(user) for user in {admin, staff, editor, reader, police_user} if user}
    pk, report_pk = draft.pk, report.agreement_id
    pages = [
        Page(FLOOR, reverse("password_change_done"), clients[editor.pk]),
        Page(ADMIN, reverse("admin:agreements_agreement_change", args=[pk]), clients[admin.pk]),
        Page("list as staff", reverse("agreements:list"), clients[(staff or admin).pk]),
        Page("list as editor", reverse("agreements:list"), clients[editor.pk]),
        Page("agreement page", reverse("documents:detail", args=[pk]), clients[editor.pk]),
        Page("workbench", reverse("documents:workbench", args=[pk]), clients[editor.pk]),
        Page("agreement form", reverse("agreements:edit", args=[pk]), clients[editor.pk]),
        Page("new agreement", reverse("agreements:create"), clients[editor.pk]),
        Page("history", reverse("agreements:history", args=[pk]), clients[editor.pk]),
        Page("follow-up report", reverse("followup:report", args=[report_pk, report.year]), clients[reader.pk]),
        Page("dashboard", reverse("followup:dashboard", args=[report_pk]), clients[reader.pk]),
        Page("evaluation", reverse("followup:evaluation", args=[report_pk]), clients[reader.pk]),
    ]
    if police_user:
        pages.insert(3, Page("list as police", reverse("agreements:list"), clients[police_user.pk]))
        review = in_review or draft
        reviewer = member(review.party_links.values_list("organisation_id", flat=True), Membership.Role.REVIEWER)
        if reviewer:
            clients.setdefault(reviewer.pk, client_for(reviewer))
            pages.append(Page("review", reverse("focusareas:review", args=[review.pk]), clients[reviewer.pk]))
    return pages


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(pages: list[Page], runs: int, progress: Callable[[str], None]) -> None:
    """Each page once for warm-up and its query count, then `runs` rounds over all pages: what slows the machine
    meanwhile slows every page of a round alike."""
    for page in pages:
        page.get()
        page.count_queries()
    for run in range(runs):
        for page in pages:
            page.times.append(page.get())
        if (run + 1) % 10 == 0:
            progress(f"{run + 1} of {runs} rounds")


def results(pages: list[Page]) -> dict[str, dict[str, Any]]:
    medians = {page.name: statistics.median(page.times) for page in pages}
    return {
        page.name: {
            "median_ms": round(medians[page.name] * 1000, 1),
            "p95_ms": round(percentile(page.times, 0.95) * 1000, 1),
            "queries": page.queries,
            "bytes": page.size,
            "x_floor": round(medians[page.name] / medians[FLOOR], 2),
            "x_admin": round(medians[page.name] / medians[ADMIN], 2),
            "url": page.url,
        }
        for page in pages
    }


def table(figures: dict[str, dict[str, Any]]) -> list[str]:
    header = ("page", "median ms", "p95 ms", "queries", "KiB", "× floor", "× admin")
    rows = [
        (
            name,
            f"{f['median_ms']:.1f}",
            f"{f['p95_ms']:.1f}",
            str(f["queries"]),
            f"{f['bytes'] / 1024:.0f}",
            f"{f['x_floor']:.1f}",
            f"{f['x_admin']:.2f}",
        )
        for name, f in figures.items()
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    return [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in (header, *rows)
    ]


class Command(BaseCommand):
    """Time the main pages as each kind of user against the floor and the admin change page."""

    help = (
        "Time the main pages (lists, agreement page, workbench, agreement form, new agreement, history, follow-up "
        "report, dashboard, evaluation, review) as each kind of user, interleaved with a trivial authenticated page "
        "and the admin change page of the same agreement; print a table and optionally write JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=20, help="timed requests per page (default 20)")
        parser.add_argument("--json", dest="json_file", type=Path, help="write the figures to this file as JSON")

    def handle(self, *args: Any, runs: int, json_file: Path | None, **options: Any) -> None:
        if runs < 1:
            raise CommandError("--runs must be at least 1")
        pages = choose_pages()
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        self.stdout.write(
            f"{len(pages)} pages, {runs} rounds, each request through the test client in this process "
            f"({connection.vendor}); load average {load:.2f} on {os.cpu_count()} CPUs."
        )
        measure(pages, runs, lambda line: self.stdout.write(line))
        figures = results(pages)
        for line in table(figures):
            self.stdout.write(line)
        if json_file:
            write_json(json_file, figures, runs=runs, load=load)
            self.stdout.write(f"Written to {json_file}.")


def write_json(path: Path, figures: dict, *, runs: int, load: float) -> None:
    path.write_text(
        json.dumps({"pages": figures, "runs": runs, "load": load, "database": connection.vendor}, indent=2) + "\n",
        encoding="utf-8",
    )
