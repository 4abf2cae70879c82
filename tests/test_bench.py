"""The benchmark's parts: the generator at scale, the event writer, the recipe script, the measurement
and an end-to-end run at a tiny size. Figures are printed by the benchmark, never asserted here."""

import csv
import json
import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest

from segwarehouse import demo_data
from segwarehouse.bench import data as bench_data
from segwarehouse.bench.data import event_data, parse_size, size_label
from segwarehouse.bench.measure import measure
from segwarehouse.bench.recipe import K_VALUES, run_recipe
from segwarehouse.demo_data import customer_blocks, generate_customers, write_customer_table


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(demo_data, "CUSTOMERS_PER_BLOCK", 1_000)


def gathered(n_customers: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    blocks = list(customer_blocks(n_customers, seed=seed))
    return (
        pd.concat([block.customers for block in blocks], ignore_index=True),
        pd.concat([block.truth for block in blocks], ignore_index=True),
    )


def test_blocks_are_deterministic_and_cover_every_customer_once(small_blocks):
    customers, truth = gathered(3_500, seed=11)
    again, _ = gathered(3_500, seed=11)
    other, _ = gathered(3_500, seed=12)
    pd.testing.assert_frame_equal(customers, again)
    assert not customers.equals(other)
    assert truth["customer_id"].is_unique and len(truth) == 3_500
    assert set(customers["customer_id"]) == set(truth["customer_id"])
    # Each block keeps the export's flaws: duplicates beyond the 3,500 customers.
    assert len(customers) > 3_500


def test_a_table_of_one_block_is_the_demo_generator_output(small_blocks):
    customers, truth = gathered(800, seed=5)
    expected = generate_customers(800, seed=5)
    pd.testing.assert_frame_equal(customers, expected.customers)
    pd.testing.assert_frame_equal(truth, expected.truth)


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_writing_block_by_block_gives_the_gathered_table(small_blocks, tmp_path, file_format):
    customers_path, truth_path = write_customer_table(tmp_path, 2_500, seed=3, file_format=file_format)
    expected_customers, expected_truth = gathered(2_500, seed=3)
    with duckdb.connect() as con:
        reader = "read_parquet" if file_format == "parquet" else "read_csv"
        options = "" if file_format == "parquet" else ", all_varchar = true"
        written = con.sql(f"select * from {reader}('{customers_path}'{options})").df()
        written_truth = con.sql(f"select * from {reader}('{truth_path}'{options})").df()
    assert written["customer_id"].astype(str).tolist() == expected_customers["customer_id"].tolist()
    for feature in demo_data.FEATURES:
        values = pd.to_numeric(written[feature], errors="coerce").to_numpy(dtype=float)
        np.testing.assert_allclose(values, expected_customers[feature].to_numpy(), equal_nan=True)
    assert written_truth["persona"].tolist() == expected_truth["persona"].tolist()


def test_event_writer_gives_exactly_the_events_asked_with_unique_ids_per_block(monkeypatch, tmp_path):
    monkeypatch.setattr(bench_data, "EVENT_CUSTOMERS_PER_BLOCK", 40)
    glob = event_data(tmp_path, 12_000, seed=4)
    with duckdb.connect() as con:
        events = con.sql(f"select * from read_parquet('{glob}', filename = true)").df()
    assert len(events) == 12_000
    assert events["filename"].nunique() > 1
    assert {"customer_id", "event_ts", "event_type", "session_id", "product_id", "price"} <= set(events)
    known = events[events["customer_id"] != ""]
    # A customer and a session belong to one block only.
    assert (known.groupby(known["customer_id"].str.removesuffix(".0"))["filename"].nunique() == 1).all()
    assert (events.groupby("session_id")["filename"].nunique() == 1).all()
    # Generated once: a second call reuses the files.
    before = {path: path.stat().st_mtime_ns for path in tmp_path.rglob("*.parquet")}
    assert event_data(tmp_path, 12_000, seed=4) == glob
    assert {path: path.stat().st_mtime_ns for path in tmp_path.rglob("*.parquet")} == before


def test_sizes_parse_and_print():
    assert [parse_size(text) for text in ("100k", "1m", "1.5M", "5000")] == [
        100_000,
        1_000_000,
        1_500_000,
        5_000,
    ]
    assert [size_label(n) for n in (100_000, 1_000_000, 50_000_000, 5_000)] == ["100k", "1M", "50M", "5k"]
    with pytest.raises(ValueError, match="size"):
        parse_size("lots")


def test_recipe_finds_a_k_and_labels_every_kept_customer():
    table = generate_customers(3_000, seed=8).customers
    result = run_recipe(table, seed=1)
    assert set(result.silhouettes) == set(K_VALUES)
    assert result.best_k == max(result.silhouettes, key=result.silhouettes.get)
    assert len(result.labels) == len(result.customer_ids) == 3_000
    assert result.customer_ids.is_unique
    assert len(np.unique(result.labels)) == result.best_k


def test_measure_sees_the_memory_of_the_child(tmp_path):
    # 300 MiB, every page touched so that it is resident, held for a second.
    allocate = (
        "import time; block = bytearray(300 * 2**20); block[::4096] = b'x' * (300 * 256); time.sleep(1)"
    )
    measured = measure([sys.executable, "-c", allocate], tmp_path, {}, tmp_path / "log.txt")
    assert measured.returncode == 0
    assert measured.peak_memory_mib > 250
    assert measured.wall_seconds >= 1.0 and measured.cpu_seconds > 0
    failed = measure([sys.executable, "-c", "raise SystemExit(3)"], tmp_path, {}, tmp_path / "log2.txt")
    assert failed.returncode == 3


def test_measure_counts_memory_shared_with_forked_workers_once(tmp_path):
    # 300 MiB touched, then two forked workers that share it (as model selection's workers do).
    fork_and_wait = (
        "import os, time; block = bytearray(300 * 2**20); block[::4096] = b'x' * (300 * 256)\n"
        "workers = []\n"
        "for _ in range(2):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        time.sleep(1.5); os._exit(0)\n"
        "    workers.append(pid)\n"
        "for pid in workers: os.waitpid(pid, 0)"
    )
    measured = measure([sys.executable, "-c", fork_and_wait], tmp_path, {}, tmp_path / "log.txt")
    assert measured.returncode == 0
    # Counted per process (RSS), the shared block would be 900 MiB.
    assert 250 < measured.peak_memory_mib < 600


@pytest.mark.e2e
def test_bench_end_to_end_at_a_tiny_size_writes_a_well_formed_row(tmp_path):
    results, latest = tmp_path / "results.csv", tmp_path / "latest.md"
    command = [
        sys.executable,
        "-m",
        "segwarehouse.bench",
        "--sizes",
        "5k",
        "--events",
        "--data-dir",
        str(tmp_path / "data"),
        "--work-dir",
        str(tmp_path / "work"),
        "--results",
        str(results),
        "--latest",
        str(latest),
    ]
    finished = subprocess.run(command, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    with results.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [row["tool"] for row in rows] == ["dbt build", "dbt build, rescoring", "notebook recipe"]
    for row in rows:
        assert row["size"] == "5k" and row["customers"] == "5000" and row["status"] == "ok"
        assert float(row["wall_s"]) > 0 and float(row["peak_mib"]) > 0
        assert 0.5 < float(row["ari"]) <= 1.0 and int(row["k"]) >= 2
        assert "cores" in row["machine"]
    # The rescoring build gives everyone the segment the training build did.
    assert rows[1]["ari"] == rows[0]["ari"] and rows[1]["k"] == rows[0]["k"]
    # Figures are written rounded to 4 decimals.
    for build in rows[:2]:
        ratio = float(build["wall_s"]) / float(rows[2]["wall_s"])
        assert float(build["ratio_wall"]) == pytest.approx(ratio, abs=1e-3)
    assert "| 5k customers | dbt build |" in latest.read_text()
    assert "| 5k customers | dbt build |" in finished.stdout
    # Each build's per-node timings are kept (the next build overwrites dbt's own file).
    for build in ("first_build", "rescoring"):
        timings = json.loads((tmp_path / "work" / "build_5k" / f"run_results_{build}.json").read_text())
        nodes = {result["unique_id"].split(".")[-1]: result for result in timings["results"]}
        assert nodes["warehouse_publication"]["status"] == "success"
        assert nodes["int_segment_candidates_evaluated"]["execution_time"] > 0


def test_markdown_table_shows_each_builds_ratios_against_the_recipe():
    from segwarehouse.bench.report import markdown_table
    from segwarehouse.bench.runner import BenchRow

    def bench_row(tool: str, wall: float, ratio: float | None) -> BenchRow:
        return BenchRow("t", "1M", 1_000_000, 0, tool, wall, wall, 500.0, ratio, ratio, 0.98, 3, "ok")

    table = markdown_table(
        [
            bench_row("dbt build", 60.0, 2.0),
            bench_row("dbt build, rescoring", 15.0, 0.5),
            bench_row("notebook recipe", 30.0, 1.0),
        ]
    ).splitlines()
    assert table[2].startswith("| 1M customers | dbt build | 60.0 |") and "| 2.00 | 2.00 |" in table[2]
    assert "| 0.50 | 0.50 |" in table[3]
    # The recipe is the reference: no ratio shown for it.
    assert "|  |  |" in table[4]
