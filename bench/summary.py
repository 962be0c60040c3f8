"""Print a bench run's figures: requests, req/s, p50/p95/p99 and errors from locust's CSV; the same for the steady
state (once every user has logged in) from bench/locustfile.py's request log; CPU from bench/cpu.py's samples;
and for each fault (bench/faults.py's JSON lines) the errors locust's users saw around it.

    python bench/summary.py --csv <locust --csv prefix> --cpu cpu.csv [--requests requests.log --faults faults.jsonl]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from pathlib import Path

from cpu import summary as cpu_summary

SHOWN = ("Aggregated", "login", "workbench", "save commitment", "review", "agreement", "PDF agreement (rendered)")


def stats(prefix: str) -> None:
    with Path(f"{prefix}_stats.csv").open() as file:
        rows = list(csv.DictReader(file))
    print(f"{'':28} {'requests':>8} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}")
    for row in sorted(rows, key=lambda r: (r["Name"] != "Aggregated", r["Name"])):
        if row["Name"] in SHOWN or row["Name"].startswith(("PDF", "save", "add", "review ", "follow-up")):
            name = row["Name"] if row["Type"] in ("", "GET") else f"{row['Name']} ({row['Type']})"
            print(
                f"{name[:28]:28} {row['Request Count']:>8} {float(row['Requests/s']):6.1f} {row['50%']:>6} "
                f"{row['95%']:>6} {row['99%']:>6} {row['Failure Count']:>6}"
            )
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open() as file:
            for row in csv.DictReader(file):
                print(f"  error: {row['Method']} {row['Name']}: {row['Error']} × {row['Occurrences']}")


def read_requests(path: Path) -> list[tuple[float, bool, str, float, str]]:
    """(finished at, ok, status, milliseconds, name) of each request in bench/locustfile.py's log."""
    requests = []
    for line in path.read_text().splitlines():
        at, ok, status, milliseconds, name = line.split(" ", 4)
        requests.append((float(at), ok == "1" and status[0] in "23", status, float(milliseconds), name))
    return requests


def percentile(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(share * len(values)))] if values else 0.0


def steady(path: Path, since: float, until: float) -> None:
    """The figures once every user has logged in: from `since` to `until`, logins left out."""
    window = [r for r in read_requests(path) if since <= r[0] <= until and r[4] != "login"]
    times = [r[3] for r in window]
    errors = sum(1 for r in window if not r[1])
    print(
        f"steady state ({until - since:.0f} s, without logins): {len(window)} requests, "
        f"{len(window) / max(until - since, 1):.1f} req/s, p50 {percentile(times, 0.5):.0f} ms, "
        f"p95 {percentile(times, 0.95):.0f} ms, p99 {percentile(times, 0.99):.0f} ms, {errors} errors"
    )


def faults(requests_log: Path, faults_file: Path) -> None:
    requests = [(at, ok, status, name) for at, ok, status, _, name in read_requests(requests_log)]
    for line in faults_file.read_text().splitlines():
        fault = json.loads(line)
        at = fault["at"]
        window = [r for r in requests if at - 1 <= r[0] <= at + 30]
        errors = [r for r in window if not r[1]]
        kinds = Counter(f"{status} {name}" for _, _, status, name in errors)
        last = max((r[0] for r in errors), default=None)
        back = min((r[0] for r in window if r[1] and last and r[0] > last), default=None)
        print(f"{fault['fault']}: {json.dumps({k: v for k, v in fault.items() if k not in ('fault', 'at')})}")
        print(
            f"  locust users: {len(window)} requests in the 30 s after, {len(errors)} errors"
            + (f", the last {last - at:.1f} s after the fault" if last else "")
            + (f", then the next succeeded {back - at:.1f} s after it" if back else "")
        )
        for kind, count in kinds.most_common():
            print(f"    {count} × {kind}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", required=True)
    parser.add_argument("--cpu", type=Path)
    parser.add_argument("--since", type=float, default=0)
    parser.add_argument("--until", type=float, default=float("inf"))
    parser.add_argument("--requests", type=Path)
    parser.add_argument("--faults", type=Path)
    arguments = parser.parse_args()
    stats(arguments.csv)
    if arguments.requests:
        steady(arguments.requests, arguments.since, arguments.until)
    if arguments.cpu:
        cpu_summary(arguments.cpu, arguments.since, arguments.until)
    if arguments.requests and arguments.faults and arguments.faults.exists():
        faults(arguments.requests, arguments.faults)


if __name__ == "__main__":
    main()
