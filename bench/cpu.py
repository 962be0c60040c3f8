"""Sample CPU use once a second until stopped: the whole machine, gunicorn (master and workers), PostgreSQL
and locust, each in per cent of one CPU, as CSV lines "time,machine,gunicorn,postgres,locust".

    python bench/cpu.py --gunicorn <master pid> --out cpu.csv &

`--summary cpu.csv --since T0 --until T1` prints the mean and peak of each column between two Unix times.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import sys
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1


def machine_ticks() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def processes() -> dict[int, tuple[str, int, int]]:
    """pid: (command, parent pid, user + system ticks)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (f"{name} {cmdline}", int(rest[1]), int(rest[11]) + int(rest[12]))
    return found


def group(pid: int, procs: dict[int, tuple[str, int, int]], master: int) -> str:
    command, parent, _ = procs[pid]
    if pid == master or parent == master:
        return "gunicorn"
    if command.startswith("postgres "):
        return "postgres"
    if "locust" in command:
        return "locust"
    return ""


def sample(master: int, out: Path) -> None:
    running = True

    def stop(*_):
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    busy, total = machine_ticks()
    before = {pid: ticks for pid, (_, _, ticks) in processes().items()}
    with out.open("a", newline="") as file:
        writer = csv.writer(file)
        while running:
            time.sleep(1)
            now_busy, now_total = machine_ticks()
            procs = processes()
            used = {"gunicorn": 0, "postgres": 0, "locust": 0}
            for pid, (_, _, ticks) in procs.items():
                kind = group(pid, procs, master)
                if kind:
                    used[kind] += ticks - before.get(pid, ticks if pid in before else 0)
            elapsed = (now_total - total) / CPUS  # ticks of one CPU
            row = [f"{time.time():.1f}", round(100 * CPUS * (now_busy - busy) / max(now_total - total, 1), 1)]
            row += [round(100 * used[kind] / max(elapsed, 1), 1) for kind in ("gunicorn", "postgres", "locust")]
            writer.writerow(row)
            file.flush()
            busy, total = now_busy, now_total
            before = {pid: ticks for pid, (_, _, ticks) in procs.items()}


def summary(path: Path, since: float, until: float) -> None:
    with path.open() as file:
        rows = [[float(v) for v in row] for row in csv.reader(file) if row and since <= float(row[0]) <= until]
    if not rows:
        print("no CPU samples")
        return
    for index, name in enumerate(("machine", "gunicorn", "postgres", "locust"), start=1):
        values = [row[index] for row in rows]
        print(f"cpu {name}: mean {sum(values) / len(values):.0f}% peak {max(values):.0f}% (of one CPU; {CPUS} CPUs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gunicorn", type=int, help="the gunicorn master's pid")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--summary", type=Path)
    parser.add_argument("--since", type=float, default=0)
    parser.add_argument("--until", type=float, default=float("inf"))
    arguments = parser.parse_args()
    if arguments.summary:
        summary(arguments.summary, arguments.since, arguments.until)
    elif arguments.gunicorn and arguments.out:
        sample(arguments.gunicorn, arguments.out)
    else:
        parser.print_usage()
        sys.exit(2)


if __name__ == "__main__":
    main()
