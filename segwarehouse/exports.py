"""CRM export: write relations to CSV and Parquet files for tools that do not read DuckDB.

A build writes its files beside their final names (`<name>.<format>.pending`); the publishing step renames
them into place after the warehouse file is published, so the files under export_dir always come from the
same, fully tested build as the published warehouse.

On Spark the tables themselves are the published state: the files are written where Spark writes (a
directory of part files per export, local or on the cluster's storage), in place, by the build."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from segwarehouse.data_access import SPARK, engine_of

EXPORT_FORMATS = ("csv", "parquet")
PENDING_SUFFIX = ".pending"
# The manifest's columns and types (crm_exports), also when no file is written.
EXPORT_COLUMNS = {
    "export_name": "object",
    "file_format": "object",
    "file_path": "object",
    "row_count": "int64",
    "exported_at": "datetime64[us]",
}


def export_formats(setting: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """The formats of var export_formats, in EXPORT_FORMATS order: a list, or text separated by commas
    (`--vars '{export_formats: parquet}'`). Empty (an empty list or text) means no export files. An
    unknown format is an error naming the var, rather than a build that silently writes nothing."""
    if setting is None:
        return ()
    items = setting.split(",") if isinstance(setting, str) else list(setting)
    wanted = {str(item).strip().lower() for item in items} - {""}
    unknown = sorted(wanted - set(EXPORT_FORMATS))
    if unknown:
        raise ValueError(
            f"var export_formats: unknown format(s) {', '.join(unknown)}; "
            f"use any of {', '.join(EXPORT_FORMATS)}, or an empty list for no export files"
        )
    return tuple(file_format for file_format in EXPORT_FORMATS if file_format in wanted)


def pending_path(final_path: str | Path) -> Path:
    """Where a build writes the file that publishing later renames to `final_path`."""
    final_path = Path(final_path)
    return final_path.with_name(final_path.name + PENDING_SUFFIX)


def export_relations(
    relations: dict[str, Any], directory: str | Path, formats: tuple[str, ...] = EXPORT_FORMATS
) -> pd.DataFrame:
    """Write each DuckDB relation as `<name>.<format>` for each of `formats` (see export_formats) under
    `directory` (created when missing), each to its pending path; Spark DataFrames go to
    export_spark_frames. Returns one row per file: name, format, final path, rows, exported_at; no row and
    no directory when `formats` is empty."""
    if any(engine_of(relation) == SPARK for relation in relations.values()):
        return export_spark_frames(relations, str(directory), formats)
    written = []
    if not formats:
        return _manifest(written)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    exported_at = datetime.now(UTC).replace(tzinfo=None)
    for name, relation in relations.items():
        rows = relation.aggregate("count(*)").fetchone()[0]
        for file_format in formats:
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
    return _manifest(written)


def _manifest(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(EXPORT_COLUMNS)).astype(EXPORT_COLUMNS)


def export_spark_frames(
    frames: dict[str, Any], directory: str, formats: tuple[str, ...] = EXPORT_FORMATS
) -> Any:
    """Write each Spark DataFrame as `<name>.<format>` for each of `formats` (CSV with a header) under
    `directory`, each a directory of part files that Spark replaces whole. A path without a scheme is
    local and made absolute; one with a scheme (s3://, dbfs:/) is the cluster's and used as given.
    Returns one row per directory written, shaped as export_relations' rows; with no format, an empty
    Spark DataFrame of those columns (Spark cannot type an empty pandas frame)."""
    if not formats:
        session = next(iter(frames.values())).sparkSession
        return session.createDataFrame(
            [],
            "export_name string, file_format string, file_path string, row_count bigint, "
            "exported_at timestamp",
        )
    if "://" not in directory and not directory.startswith("dbfs:"):
        directory = str(Path(directory).resolve())
    exported_at = datetime.now(UTC).replace(tzinfo=None)
    written = []
    for name, frame in frames.items():
        rows = frame.count()
        for file_format in formats:
            path = f"{directory.rstrip('/')}/{name}.{file_format}"
            writer = frame.write.mode("overwrite")
            if file_format == "csv":
                writer.option("header", "true").csv(path)
            else:
                writer.parquet(path)
            written.append(
                {
                    "export_name": name,
                    "file_format": file_format,
                    "file_path": path,
                    "row_count": int(rows),
                    "exported_at": exported_at,
                }
            )
    return _manifest(written)


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
