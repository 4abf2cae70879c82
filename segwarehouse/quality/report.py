"""The quality table: per data set what the build found, and the panel's summary against the targets."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pandas as pd

from segwarehouse.clustering.selection import (
    CHOSEN_MOST_STABLE,
    CHOSEN_REPRODUCIBLE,
    CHOSEN_SEPARATING,
    CHOSEN_WITHIN_TOLERANCE,
)
from segwarehouse.demo_transactions import SHOP_INPUTS
from segwarehouse.quality.panel import SHOP_INPUT_ABBREVIATIONS
from segwarehouse.quality.runner import SKIPPED, QualityRow, rows_frame

# The targets, checked by the summary (the report prints them; nothing asserts them).
TABLE_FAMILIES = ("table", "demo", "sklearn")
MIN_SEGMENT_SHARE = 0.02
INPUT_TOLERANCE = 0.02
# model_selection.chosen_by in the table: the step of the rule (docs/how-it-works.md).
RULE_STEPS = {
    CHOSEN_WITHIN_TOLERANCE: "silhouette",
    CHOSEN_REPRODUCIBLE: "reproducible",
    CHOSEN_SEPARATING: "separating",
    CHOSEN_MOST_STABLE: "none eligible",
}


def _shop_label(inputs: tuple[str, ...]) -> str:
    return "shop_" + "".join(SHOP_INPUT_ABBREVIATIONS[name] for name in inputs)


def input_regressions(rows: list[QualityRow]) -> list[str]:
    """Shop subsets where adding one input lowered ARI by more than INPUT_TOLERANCE."""
    ari = {row.data_set: row.ari for row in rows if row.family == "shop" and row.ari is not None}
    found = []
    for size in range(1, len(SHOP_INPUTS)):
        for inputs in itertools.combinations(SHOP_INPUTS, size):
            for added in SHOP_INPUTS:
                if added in inputs:
                    continue
                larger = tuple(name for name in SHOP_INPUTS if name in inputs or name == added)
                before, after = ari.get(_shop_label(inputs)), ari.get(_shop_label(larger))
                if before is not None and after is not None and after < before - INPUT_TOLERANCE:
                    found.append(f"{_shop_label(inputs)} + {added}: {before:.3f} -> {after:.3f}")
    return found


def summary_lines(rows: list[QualityRow]) -> list[str]:
    tables = [row for row in rows if row.family in TABLE_FAMILIES and row.true_k and 3 <= row.true_k <= 6]
    good = [row for row in tables if row.k_exact and (row.ari or 0) >= 0.95]
    shops = [row for row in rows if row.family in ("shop", "shop variant")]
    good_shops = [row for row in shops if row.k_exact and (row.ari or 0) >= 0.85]
    named = [row for row in rows if row.personas]
    all_named = [row for row in named if row.personas_named == row.personas]
    small = [row for row in rows if row.smallest_share is not None and row.smallest_share < MIN_SEGMENT_SHARE]
    failed = [row for row in rows if row.status != "ok" and not row.skipped]
    skipped = [row for row in rows if row.skipped]
    selection = [row.selection_s for row in rows if row.selection_s is not None]
    table_aris = [row.ari for row in tables if row.ari is not None]
    lines = [
        f"- Customer tables with 3 to 6 true segments: k exact and ARI >= 0.95 on {len(good)} of"
        f" {len(tables)} (target: 90%); lowest ARI {min(table_aris):.3f} (target: never below 0.85)."
        if tables and table_aris
        else "- Customer tables: none run.",
        f"- Shop data: k exact and ARI >= 0.85 on {len(good_shops)} of {len(shops)} (target: all).",
    ]
    regressions = input_regressions(rows)
    lines.append(
        f"- Adding an input lowered ARI by more than {INPUT_TOLERANCE}: {len(regressions)} times"
        + (" (" + "; ".join(regressions) + ")" if regressions else "")
        + " (target: never)."
    )
    lines.append(
        f"- Persona names all right on {len(all_named)} of {len(named)} data sets whose truth has names."
    )
    lines.append(
        f"- Segments under {MIN_SEGMENT_SHARE:.0%} of the customers: {len(small)} data sets (target: none)."
    )
    if selection:
        lines.append(
            f"- Selection: {sum(selection) / len(selection):.1f} s per build on average,"
            f" at most {max(selection):.1f} s."
        )
    if failed:
        lines.append(f"- Builds that failed: {', '.join(row.data_set for row in failed)}.")
    if skipped:
        reasons = "; ".join(row.status.removeprefix(f"{SKIPPED}: ") for row in skipped)
        lines.append(f"- Not run, the data is not available here: {reasons}.")
    return lines


def markdown_table(rows: list[QualityRow]) -> str:
    frame = rows_frame(rows)
    header = (
        "| data set | family | customers | k found / true | algorithm | chosen by | ARI | names right"
        " | smallest segment | stability | selection s | build s | status |"
    )
    lines = [header, "|---|---|---:|---|---|---|---:|---|---:|---:|---:|---:|---|"]
    for row in frame.itertuples():
        k = f"{_int(row.k)} / {_int(row.true_k)}" if pd.notna(row.true_k) else f"{_int(row.k)}"
        names = f"{_int(row.personas_named)} / {_int(row.personas)}" if pd.notna(row.personas) else ""
        lines.append(
            f"| {row.data_set} | {row.family} | {row.customers} | {k} | {row.algorithm or ''} | "
            f"{RULE_STEPS.get(row.chosen_by, '')} | {_num(row.ari)} | {names} | {_pct(row.smallest_share)} | "
            f"{_num(row.stability)} | "
            f"{_num(row.selection_s, 1)} | {row.build_s:.1f} | {row.status} |"
        )
    return "\n".join(lines)


def _int(value) -> str:
    return "" if value is None or pd.isna(value) else str(int(value))


def _num(value, digits: int = 3) -> str:
    return "" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def _pct(value) -> str:
    return "" if value is None or pd.isna(value) else f"{value:.1%}"


def render(rows: list[QualityRow], size: int, seed: int, machine: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            f"Run {stamp} on {machine}: {size} customers per data set (shop data a quarter of that),"
            f" seed {seed}.",
            "",
            *summary_lines(rows),
            "",
            markdown_table(rows),
            "",
        ]
    )
