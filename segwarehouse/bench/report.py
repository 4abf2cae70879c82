"""The benchmark's outputs: the printed table, the CSV of every run and the Markdown of the latest."""

from __future__ import annotations

import csv
from dataclasses import asdict, fields
from pathlib import Path

from segwarehouse.bench.runner import BenchRow

COLUMNS = [field.name for field in fields(BenchRow)]


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def markdown_table(rows: list[BenchRow]) -> str:
    lines = [
        "| size | tool | wall s | CPU s | peak MiB | wall build/recipe | memory build/recipe | ARI | k "
        "| status |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        size = f"{row.size} customers" if row.customers else f"{row.size} events"
        # The recipe is the reference (its ratios are 1); the builds show theirs against it.
        is_build = row.tool != "notebook recipe"
        ratio = _number(row.ratio_wall, 2) if is_build else ""
        memory = _number(row.ratio_memory, 2) if is_build else ""
        lines.append(
            f"| {size} | {row.tool} | {row.wall_s:.1f} | {_number(row.cpu_s, 1)} | {row.peak_mib:.0f} "
            f"| {ratio} | {memory} | {_number(row.ari, 3)} | {row.k or ''} | {row.status} |"
        )
    return "\n".join(lines)


def append_csv(rows: list[BenchRow], path: Path, machine: str) -> None:
    """Append the rows (with the machine description) to `path`, writing the header when it is new."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, "machine"])
        if new:
            writer.writeheader()
        for row in rows:
            record = asdict(row)
            for key in ("wall_s", "cpu_s", "peak_mib", "ratio_wall", "ratio_memory", "ari"):
                if record[key] is not None:
                    record[key] = round(record[key], 4)
            writer.writerow({**record, "machine": machine})


def write_latest(rows: list[BenchRow], path: Path, machine: str, command: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"Latest `{command}` ({rows[0].run_at if rows else ''}).\n\n"
        f"{markdown_table(rows)}\n\nMachine: {machine}.\n"
    )
