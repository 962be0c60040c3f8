"""Check the bench's writes against the database: every write the server confirmed must be there, and no write it
refused (a stale form) may be.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/samverkan_bench python bench/check_writes.py markers.txt

The file holds "<kind> <marker>" lines as bench/locustfile.py writes them; markers.txt.refused and
markers.txt.unknown (the server answered with an error or not at all) are read too when present. Exits 1 when a
confirmed write is missing or a refused one was stored.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")

import django

django.setup()

from agreements.models import Section  # noqa: E402
from focusareas.models import ActivityRow, Commitment, ReviewEntry  # noqa: E402

MARKER = re.compile(r"BENCH-[0-9A-Za-z]+-[0-9a-f]{12}")

# Where each kind of write leaves its marker. Edits are found in the history, which keeps every saved version
# (a later edit of the same commitment replaces the text in the table itself).
STORED = {
    "commitment": (Commitment.history.model, "text"),
    "section": (Section.history.model, "heading"),
    "activity": (ActivityRow, "activity"),
    "review": (ReviewEntry, "text"),
}


def read(path: Path) -> dict[str, set[str]]:
    markers: dict[str, set[str]] = {kind: set() for kind in STORED}
    if path.exists():
        for line in path.read_text().splitlines():
            kind, marker = line.split()
            markers[kind].add(marker)
    return markers


def stored(kind: str, prefixes: set[str]) -> set[str]:
    model, field = STORED[kind]
    found: set[str] = set()
    for prefix in prefixes:
        for text in model.objects.filter(**{f"{field}__contains": prefix}).values_list(field, flat=True):
            found.update(MARKER.findall(text))
    return found


def main() -> None:
    path = Path(sys.argv[1])
    confirmed, refused, unknown = (read(path), read(Path(f"{path}.refused")), read(Path(f"{path}.unknown")))
    failed = False
    totals: Counter[str] = Counter()
    for kind in STORED:
        every = confirmed[kind] | refused[kind] | unknown[kind]
        in_database = stored(kind, {marker.rsplit("-", 1)[0] + "-" for marker in every})
        missing = confirmed[kind] - in_database
        wrongly_stored = refused[kind] & in_database
        totals.update(
            confirmed=len(confirmed[kind]), found=len(confirmed[kind] & in_database), missing=len(missing),
            refused=len(refused[kind]), refused_stored=len(wrongly_stored),
            unknown=len(unknown[kind]), unknown_stored=len(unknown[kind] & in_database),
        )  # fmt: skip
        print(
            f"{kind:10} confirmed {len(confirmed[kind]):5}  in database {len(confirmed[kind] & in_database):5}  "
            f"missing {len(missing):3}  refused {len(refused[kind]):3} (stored anyway: {len(wrongly_stored)})  "
            f"no answer {len(unknown[kind]):3} (stored: {len(unknown[kind] & in_database)})"
        )
        for marker in sorted(missing | wrongly_stored):
            print(f"  !! {kind} {marker}")
        failed = failed or bool(missing or wrongly_stored)
    print(
        f"writes: {totals['confirmed']} confirmed, {totals['found']} found, {totals['missing']} missing; "
        f"{totals['refused']} refused, {totals['refused_stored']} of them stored; "
        f"{totals['unknown']} without an answer, {totals['unknown_stored']} of them stored"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
