"""Benchmark inputs: customer tables from the demo generator and clickstream events from the shop
generator, written block by block so memory stays flat, and reused when already written (same size,
seed and format)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from segwarehouse.demo_data import block_seed, write_customer_table
from segwarehouse.demo_transactions import generate_shop

# Customers per block of the event generator: about 120 events each, so a block is about 2.5M events.
EVENT_CUSTOMERS_PER_BLOCK = 20_000
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([km]?)\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """'100k' -> 100000, '1m' -> 1000000, '5000' -> 5000."""
    match = _SIZE.match(str(text))
    if not match:
        raise ValueError(f"size {text!r} is not a number with an optional k or m suffix (e.g. 100k, 1m)")
    number, suffix = float(match.group(1)), match.group(2).lower()
    return int(round(number * {"": 1, "k": 1_000, "m": 1_000_000}[suffix]))


def size_label(count: int) -> str:
    for divisor, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= divisor and count % (divisor // 10) == 0:
            return f"{count / divisor:g}{suffix}"
    return str(count)


def _is_complete(directory: Path, manifest: dict) -> bool:
    marker = directory / "manifest.json"
    return marker.exists() and json.loads(marker.read_text()) == manifest


def _mark_complete(directory: Path, manifest: dict) -> None:
    (directory / "manifest.json").write_text(json.dumps(manifest))


def customer_data(root: Path, n_customers: int, seed: int, file_format: str) -> tuple[Path, Path]:
    """(customer table, truth) of `n_customers`, generated once under `root`."""
    directory = root / f"customers_{size_label(n_customers)}_{file_format}_seed{seed}"
    manifest = {"customers": n_customers, "seed": seed, "format": file_format, "personas": 3}
    paths = (directory / f"customers.{file_format}", directory / f"customers_truth.{file_format}")
    if not _is_complete(directory, manifest):
        paths = write_customer_table(directory, n_customers, n_personas=3, seed=seed, file_format=file_format)
        _mark_complete(directory, manifest)
    return paths


def write_events(directory: Path, n_events: int, seed: int) -> list[Path]:
    """Exactly `n_events` events (customer_id, event_ts, event_type, session_id, product_id, price) as
    Parquet files, one per block of EVENT_CUSTOMERS_PER_BLOCK customers drawn by the shop generator from
    block_seed(seed, block); ids and sessions continue from block to block."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    remaining, first_id, block = n_events, 100_001, 0
    while remaining > 0:
        shop = generate_shop(
            EVENT_CUSTOMERS_PER_BLOCK,
            seed=block_seed(seed, block),
            inputs=("events",),
            first_customer_id=first_id,
        )
        events = shop.events.head(remaining)
        table = pa.table(
            {
                "customer_id": pa.array(events["user_id"].to_numpy(), pa.string()),
                "event_ts": pa.array(events["event_time"].to_numpy(), pa.string()),
                "event_type": pa.array(events["event_type"].to_numpy(), pa.string()),
                # Session ids are per block in the generator: prefixed so blocks never share one.
                "session_id": pa.array(
                    np.char.add(f"B{block}-", events["user_session"].to_numpy().astype(str)), pa.string()
                ),
                "product_id": pa.array(events["product_id"].to_numpy(), pa.string()),
                "price": pa.array(events["price"].to_numpy(), pa.float64()),
            }
        )
        path = directory / f"events_{block:04d}.parquet"
        pq.write_table(table, path)
        written.append(path)
        remaining -= len(events)
        first_id += EVENT_CUSTOMERS_PER_BLOCK
        block += 1
    return written


def event_data(root: Path, n_events: int, seed: int) -> str:
    """A glob of Parquet files holding `n_events` events, generated once under `root`."""
    directory = root / f"events_{size_label(n_events)}_seed{seed}"
    manifest = {"events": n_events, "seed": seed, "customers_per_block": EVENT_CUSTOMERS_PER_BLOCK}
    if not _is_complete(directory, manifest):
        for stale in directory.glob("events_*.parquet"):
            stale.unlink()
        write_events(directory, n_events, seed)
        _mark_complete(directory, manifest)
    return str(directory / "events_*.parquet")


def event_csv_data(root: Path, n_events: int, seed: int) -> str:
    """The same events as event_data, as one gzip-compressed CSV (written once from the Parquet files)."""
    import duckdb

    parquet_glob = event_data(root, n_events, seed)
    directory = root / f"events_{size_label(n_events)}_seed{seed}_csvgz"
    manifest = {"events": n_events, "seed": seed, "from": parquet_glob}
    path = directory / "events.csv.gz"
    if not _is_complete(directory, manifest):
        directory.mkdir(parents=True, exist_ok=True)
        with duckdb.connect() as connection:
            connection.execute("set enable_progress_bar = false")
            connection.execute(
                f"copy (select * from read_parquet('{parquet_glob}')) to '{path}' (header, compression gzip)"
            )
        _mark_complete(directory, manifest)
    return str(path)
