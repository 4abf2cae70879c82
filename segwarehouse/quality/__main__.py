"""`python -m segwarehouse.quality [--size 20k] [--only PATTERN ...] [--jobs N]`: build the warehouse on every
data set of the quality panel (segwarehouse.quality.panel), compare what it found with the truth, print a
line per data set and the summary against the targets, save the rows to benchmarks/quality.csv and the
table into docs/quality.md (between its `quality:start` / `quality:end` markers). A run of some data sets
(--only) leaves both alone, so a partial table never replaces the whole panel's: its rows go to
<work-dir>/quality.csv."""

from __future__ import annotations

import argparse
import fnmatch
import sys
from pathlib import Path

from segwarehouse.bench.data import parse_size
from segwarehouse.bench.machine import describe, machine_description
from segwarehouse.quality.panel import REPO, panel
from segwarehouse.quality.report import render, summary_lines
from segwarehouse.quality.runner import rows_frame, run_panel

START = "<!-- quality:start (written by `make quality`) -->"
END = "<!-- quality:end -->"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m segwarehouse.quality", description=__doc__)
    parser.add_argument("--size", default="20k", help="customers per data set (shop data: a quarter)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--only", nargs="*", help="data set name patterns, e.g. 'table_*' shop_T")
    parser.add_argument("--jobs", type=int, default=1, help="builds at a time")
    parser.add_argument(
        "--data-dir", default="/tmp/segwarehouse-quality/data", help="generated data (reused)"
    )
    parser.add_argument("--work-dir", default="/tmp/segwarehouse-quality/work", help="warehouses and logs")
    parser.add_argument(
        "--results", help="default: benchmarks/quality.csv, or <work-dir>/quality.csv with --only"
    )
    parser.add_argument(
        "--doc", help="default: docs/quality.md, not written with --only; '' to leave it alone"
    )
    args = parser.parse_args(argv)
    if args.results is None:
        args.results = str(
            Path(args.work_dir) / "quality.csv" if args.only else REPO / "benchmarks" / "quality.csv"
        )
    if args.doc is None:
        args.doc = "" if args.only else str(REPO / "docs" / "quality.md")

    data_sets = panel()
    if args.only:
        data_sets = [d for d in data_sets if any(fnmatch.fnmatch(d.name, pattern) for pattern in args.only)]
        if not data_sets:
            parser.error(f"no data set matches {' '.join(args.only)}")
    size = parse_size(args.size)
    machine = describe(machine_description())
    print(f"{len(data_sets)} data sets, {size} customers each; machine: {machine}", flush=True)
    rows = run_panel(data_sets, Path(args.data_dir), Path(args.work_dir), size, args.seed, args.jobs)
    print("\n" + "\n".join(summary_lines(rows)))
    Path(args.results).parent.mkdir(parents=True, exist_ok=True)
    rows_frame(rows).to_csv(args.results, index=False)
    if args.doc:
        doc = Path(args.doc)
        text = doc.read_text()
        if START not in text or END not in text:
            sys.exit(f"{doc} has no {START} ... {END} block")
        head, rest = text.split(START, 1)
        doc.write_text(
            head + START + "\n" + render(rows, size, args.seed, machine) + END + rest.split(END, 1)[1]
        )
        print(f"wrote {args.results} and {doc}")
    else:
        print(f"wrote {args.results}")
    return 0 if all(row.status == "ok" or row.skipped for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
