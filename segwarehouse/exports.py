"""CRM export: write relations to CSV and Parquet files for tools that do not read DuckDB.

A build writes its files beside their final names (`<name>.<format>.pending`); the publishing step renames
them into place after the warehouse file is published, so the files under export_dir always come from the
same, fully tested build as the published warehouse."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

EXPORT_FORMATS = ("csv", "parquet")
PENDING_SUFFIX = ".pending"


def pending_path(final_path: str | Path) -> Path:
    """Where a build writes the file that publishing later renames to `final_path`."""
    final_path = Path(final_path)
    return final_path.with_name(final_path.name + PENDING_SUFFIX)


def export_relations(relations: dict[str, Any], directory: str | Path) -> pd.DataFrame:
    """Write each DuckDB relation as `<name>.csv` and `<name>.parquet` under `directory` (created when
    missing), each to its pending path. Returns one row per file: name, format, final path, rows,
    exported_at."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    exported_at = datetime.now(UTC).replace(tzinfo=None)
    written = []
    for name, relation in relations.items():
        rows = relation.aggregate("count(*)").fetchone()[0]
        for file_format in EXPORT_FORMATS:
            path = (directory / f"{name}.{file_format}").resolve()
            if file_format == "csv":
                relation.write_csv(str(pending_path(path)))
            else:
                relation.write_parquet(str(pending_path(path)))
            written.append(
                {
                    "export_name": name,
                    "file_format": file_format,
                    "file_path": str(path),
                    "row_count": int(rows),
                    "exported_at": exported_at,
                }
            )
    return pd.DataFrame(written)


def publish_exports(final_paths: list[str]) -> list[str]:
    """Rename each pending export onto its final path (atomic per file). Returns the paths published; a
    path without a pending file (already published) is left alone."""
    published = []
    for final_path in final_paths:
        pending = pending_path(final_path)
        if pending.exists():
            os.replace(pending, final_path)
            published.append(str(final_path))
    return published
