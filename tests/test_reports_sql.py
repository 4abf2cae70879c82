"""The reports' library on small frames shaped like the report marts: tick and label helpers, number
formatting, what the figures draw, and the exposure that lists exactly the marts the reports read. (The
numbers the figures show are computed and tested in dbt: tests/test_report_marts.py, test_projection*.py and
the lifecycle verdict in test_lifecycle_e2e.py.)"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))

from reportlib import figures  # noqa: E402
from reportlib.html import fmt_num  # noqa: E402


def test_log1p_ticks_are_round_and_spread():
    positions, texts = figures.log1p_ticks(0.0, math.log1p(5_000))
    assert texts[0] == "0" and "1,000" in texts
    assert all(b - a >= math.log1p(5_000) / 7 - 1e-9 for a, b in zip(positions, positions[1:], strict=False))


def test_number_and_label_formatting():
    assert fmt_num(12_345) == "12.3k"
    assert fmt_num(10_000) == "10k"
    assert fmt_num(2_500_000) == "2.5M"
    assert fmt_num(0.256) == "0.26"
    assert figures.wrap("Discount share of purchases") == "Discount share<br>of purchases"
    assert figures.wrap("Purchases") == "Purchases"


def histogram_rows(segments: list[str | None]) -> pd.DataFrame:
    """report_feature_histograms-shaped rows: a log1p count and a plain ratio, 4 bins each."""
    rows = []
    for feature, transform, top in (("purchases", "log1p", math.log1p(1_000)), ("ratio", "identity", 1.0)):
        for segment in segments:
            for bin_ in range(4):
                low, high = top * bin_ / 4, top * (bin_ + 1) / 4
                rows.append(
                    dict(
                        feature=feature,
                        panel=feature,
                        transform=transform,
                        segment_name=segment,
                        bin=bin_,
                        bin_low=low,
                        bin_high=high,
                        customers=10 * (bin_ + 1),
                        share=(bin_ + 1) / 10,
                        smoothed_share=0.25,
                    )  # fmt: skip
                )
    return pd.DataFrame(rows)


def test_distributions_draw_a_panel_per_feature_in_the_features_units():
    figure = figures.distributions(histogram_rows([None]), columns=2)
    bars = [trace for trace in figure.data if trace.type == "bar"]
    assert len(bars) == 2 and len([trace for trace in figure.data if trace.type == "scatter"]) == 2
    assert list(bars[0].y) == [10.0, 20.0, 30.0, 40.0]  # shares as percentages
    purchases = figure.layout[bars[0].xaxis.replace("x", "xaxis")]
    assert "1,000" in purchases.ticktext  # the log1p axis is labelled in purchases, not in log units
    assert purchases.range == (0.0, math.log1p(1_000))
    ratio = figure.layout[bars[1].xaxis.replace("x", "xaxis")]
    assert ratio.ticktext is None and ratio.range == (0.0, 1.0)


def test_distributions_by_segment_draw_one_coloured_step_per_segment_and_feature():
    colours = figures.segment_colours(["Savers", "Spenders"])
    figure = figures.distributions(histogram_rows(["Savers", "Spenders"]), colours)
    assert sorted((trace.name, trace.line.color) for trace in figure.data) == sorted(
        [(name, colour) for name, colour in colours.items()] * 2
    )
    assert all(trace.line.shape == "hvh" for trace in figure.data)


def test_the_selection_grid_marks_the_chosen_model_and_the_ineligible_candidates():
    candidates = pd.DataFrame(
        {
            "algorithm": ["kmeans"] * 3,
            "k": [2, 3, 4],
            "silhouette": [0.4, 0.5, 0.3],
            "prediction_strength": [0.95, 0.93, 0.6],
            "is_eligible": pd.array([True, True, False], dtype="boolean"),
            "is_selected": [False, True, False],
            "ineligible_reason": [None, None, "not reproducible"],
            "stability_floor": 0.9,
            "min_segment_share": 0.02,
        }
    )
    figure = figures.selection_grid(candidates, {"silhouette": "Silhouette", "prediction_strength": "PS"})
    stars = [trace for trace in figure.data if trace.name == "chosen model"]
    assert [list(trace.x) for trace in stars] == [[3], [3]]
    kmeans = [trace for trace in figure.data if trace.name == "k-means"]
    assert all(list(trace.marker.color)[2] == "white" for trace in kmeans)  # k = 4 is ineligible: open
    assert all(list(trace.marker.color)[0] != "white" for trace in kmeans)
    (floor,) = [trace for trace in figure.data if trace.name == "floor"]
    assert list(floor.y) == [0.9, 0.9]


def test_segment_colours_follow_the_segment_order():
    colours = figures.segment_colours(["B", "A", "B", "C"])
    assert list(colours) == ["B", "A", "C"]
    assert list(colours.values()) == figures.PALETTE[:3]


REPO = Path(__file__).resolve().parents[1]


def report_code() -> str:
    """The code the reports run: the notebooks' code cells and the reportlib package."""
    code = []
    for notebook in sorted((REPO / "reports").glob("*.ipynb")):
        cells = json.loads(notebook.read_text())["cells"]
        code += ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    code += [module.read_text() for module in sorted((REPO / "reports" / "reportlib").glob("*.py"))]
    return "\n".join(code)


def test_the_reports_exposure_lists_exactly_the_marts_the_reports_read():
    marts = {model.stem for model in (REPO / "dbt_project" / "models" / "marts").rglob("*.sql")}
    marts |= {model.stem for model in (REPO / "models_py" / "marts").rglob("*.py")}
    code = report_code()
    read = {mart for mart in marts if re.search(rf"\b{mart}\b", code)}
    exposures = yaml.safe_load((REPO / "dbt_project" / "models" / "marts" / "_exposures.yml").read_text())
    (reports,) = [
        exposure for exposure in exposures["exposures"] if exposure["name"] == "segmentation_reports"
    ]
    listed = {re.fullmatch(r"ref\('(\w+)'\)", dependency).group(1) for dependency in reports["depends_on"]}
    assert {
        "customer_segments",
        "segment_runs",
        "report_customer_projection",
        "segment_model_verdict",
    } <= read
    assert sorted(read) == sorted(listed)
