"""`python -m segwarehouse.bench [--sizes 100k 1m 10m] [--events 5m 50m]`: see segwarehouse.bench."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from segwarehouse.bench.data import parse_size
from segwarehouse.bench.machine import describe, machine_description
from segwarehouse.bench.report import append_csv, markdown_table, write_latest
from segwarehouse.bench.runner import REPO, bench_customers, bench_events

DEFAULT_SIZES = ["20k", "100k", "1m", "10m"]
DEFAULT_EVENTS = ["5m", "50m"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m segwarehouse.bench", description=__doc__)
    parser.add_argument("--sizes", nargs="*", default=DEFAULT_SIZES, help="customer counts, e.g. 100k 1m")
    parser.add_argument("--events", nargs="*", default=DEFAULT_EVENTS, help="event counts, e.g. 5m 50m")
    parser.add_argument(
        "--data-dir", default="/tmp/segwarehouse-bench/data", help="generated inputs (reused)"
    )
    parser.add_argument("--work-dir", default="/tmp/segwarehouse-bench/work", help="warehouses and logs")
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv", help="customer table format")
    parser.add_argument(
        "--event-formats",
        nargs="*",
        choices=["parquet", "csv.gz"],
        default=["parquet", "csv.gz"],
        help="event file formats",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-recipe", action="store_true", help="skip the notebook recipe")
    parser.add_argument("--results", default=str(REPO / "benchmarks" / "results.csv"))
    parser.add_argument("--latest", default=str(REPO / "benchmarks" / "latest.md"))
    args = parser.parse_args(argv)

    machine = describe(machine_description())
    print(f"machine: {machine}", flush=True)
    data_root, work_root = Path(args.data_dir), Path(args.work_dir)
    rows = []
    for size in args.sizes:
        print(f"customers {size}: build, rescoring and recipe ...", flush=True)
        size_rows = bench_customers(
            parse_size(size), data_root, work_root, args.seed, args.format, not args.no_recipe
        )
        rows += size_rows
        print(markdown_table(size_rows), flush=True)
    for count in args.events:
        for file_format in args.event_formats:
            print(f"events {count} ({file_format}): events to features ...", flush=True)
            rows.append(bench_events(parse_size(count), data_root, work_root, args.seed, file_format))
            print(markdown_table(rows[-1:]), flush=True)
    print("\n" + markdown_table(rows) + f"\n\nMachine: {machine}.")
    if rows:
        append_csv(rows, Path(args.results), machine)
        command = "python -m segwarehouse.bench " + shlex.join(argv if argv is not None else sys.argv[1:])
        write_latest(rows, Path(args.latest), machine, command.strip())
    return 0 if all(row.status == "ok" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
