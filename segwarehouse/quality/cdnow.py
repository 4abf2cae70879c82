"""The CDNOW purchase history (Fader and Hardie: 23,570 customers of an online CD shop who first bought in
the first quarter of 1997, every purchase to mid-1998), as invoice lines the transactions input reads.

It ships inside the Lifetimes wheel on PyPI (lifetimes/datasets/CDNOW_master.txt): the wheel is downloaded
once with pip (no install, no dependencies) into the quality data directory and the file read from it. No
truth: the panel judges the chosen segments by their stability and smallest share, as for Online Retail.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

WHEEL_REQUIREMENT = "Lifetimes==0.11.3"
WHEEL_MEMBER = "lifetimes/datasets/CDNOW_master.txt"
# The columns written, as the transactions input maps them (canonical name -> file column).
CDNOW_COLUMNS: dict[str, str] = {
    "customer_id": "customer_id",
    "order_id": "order_id",
    "order_ts": "order_date",
    "quantity": "cds",
    "unit_price": "price_per_cd",
}


class DataUnavailable(RuntimeError):
    """A real data set that cannot be obtained on this machine (no registry, no file)."""


def cdnow_wheel(wheel_dir: Path) -> Path:
    """The Lifetimes wheel in `wheel_dir`, downloaded first when it is not there."""
    found = sorted(wheel_dir.glob("[Ll]ifetimes-*.whl"))
    if not found:
        wheel_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", WHEEL_REQUIREMENT]
        result = subprocess.run(command + ["-d", str(wheel_dir)], capture_output=True, text=True)
        found = sorted(wheel_dir.glob("[Ll]ifetimes-*.whl"))
        if result.returncode != 0 or not found:
            reason = (result.stderr.strip().splitlines() or [f"pip exit {result.returncode}"])[-1]
            raise DataUnavailable(f"CDNOW: pip could not download {WHEEL_REQUIREMENT}: {reason[:200]}")
    return found[-1]


def cdnow_lines(wheel: Path) -> pd.DataFrame:
    """One invoice line per purchase of the master file: the customer, an order id (customer, day and the
    purchase's number that day), the day, the number of CDs and the price per CD."""
    with zipfile.ZipFile(wheel) as archive, archive.open(WHEEL_MEMBER) as raw:
        purchases = pd.read_csv(raw, sep=r"\s+", dtype={"customer_id": str, "date": str})
    purchases = purchases.rename(columns={"number_of_cds": "cds", "dollar_value": "amount"})
    number_that_day = purchases.groupby(["customer_id", "date"]).cumcount() + 1
    return pd.DataFrame(
        {
            "customer_id": purchases["customer_id"],
            "order_id": purchases["customer_id"]
            + "-"
            + purchases["date"]
            + "-"
            + number_that_day.astype(str),
            "order_date": pd.to_datetime(purchases["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d"),
            "cds": purchases["cds"],
            "price_per_cd": (purchases["amount"] / purchases["cds"]).round(4),
        }
    )


def write_cdnow(directory: Path, wheel_dir: Path) -> tuple[dict, None]:
    """Write the invoice lines into `directory`; the dbt vars that read them (no truth)."""
    path = directory / "cdnow_transactions.csv"
    cdnow_lines(cdnow_wheel(wheel_dir)).to_csv(path, index=False)
    return {"transactions_path": str(path), "transactions_columns": CDNOW_COLUMNS}, None
