"""How much of an unseen Word file the import and the PDF hold (the goal: ≥ 95 % of elements held fully).

A measure, not a test: the sample documents are imported and printed inside a transaction that is rolled back, and
the command prints a table per document and overall, every element not held fully with why, and, with --json, the
same as data. --keep writes each sample's .docx and draft PDF to a folder, to look at side by side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from bench.fidelity import FULL, SAMPLES, Result, as_json, measure, summary_rows

HEADER = ("Document", "Elements", "Fully", "Partly", "Lost", "% fully")


def table(results: list[Result]) -> list[str]:
    rows = [HEADER, *((name, *(str(n) for n in counts)) for name, *counts in summary_rows(results))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [line(rows[0]), "  ".join("-" * w for w in widths), *(line(row) for row in rows[1:])]


class Command(BaseCommand):
    """Measure how many elements of unseen Word files are held fully through the import and the PDF."""

    help = (
        "Import sample Word documents in the shapes other municipalities use, print their drafts and classify each "
        "element as held fully, partly or lost (rolled back afterwards)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", type=Path, dest="json_file", help="write the measure as JSON to this file")
        parser.add_argument("--keep", type=Path, help="write each sample's .docx and draft PDF to this folder")

    def handle(self, *args: Any, json_file: Path | None, keep: Path | None, **options: Any) -> None:
        if keep is not None:
            try:
                keep.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CommandError(f"Cannot create {keep}: {error.strerror}") from None
        results: list[Result] = []
        with transaction.atomic():
            for make in SAMPLES:
                sample = make()
                results.append(measure(sample))
            # The drafts exist only to be measured: leave the database as it was.
            transaction.set_rollback(True)
        if keep is not None:
            for result in results:
                (keep / f"{result.sample.name}.docx").write_bytes(result.sample.docx)
                (keep / f"{result.sample.name}.pdf").write_bytes(result.pdf)

        for line in table(results):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("Not held fully:")
        for result in results:
            for verdict in result.verdicts:
                if verdict.verdict != FULL:
                    self.stdout.write(
                        f"  {result.sample.name}: {verdict.element.kind} “{verdict.element.label}”: "
                        f"{verdict.verdict} ({verdict.why})"
                    )
        if json_file is not None:
            json_file.write_text(json.dumps(as_json(results), ensure_ascii=False, indent=2), encoding="utf-8")
            self.stdout.write(f"Written to {json_file}")
