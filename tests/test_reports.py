"""The reports, end to end: every notebook runs on a small generated warehouse without an error or a
warning, renders to HTML that needs no network, opens in headless Chromium, and the printed report has a
cover page and at most 15 pages."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
REPORTS = REPO / "reports"
NOTEBOOKS = sorted(REPORTS.glob("[0-9][0-9]_*.ipynb"))

pytestmark = pytest.mark.e2e


def load_renderer():
    spec = importlib.util.spec_from_file_location("report_render", REPORTS / "render.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


render = load_renderer()


def dbt_executable() -> str:
    local = Path(sys.executable).parent / "dbt"
    return str(local) if local.exists() else "dbt"


def build(workdir: Path, variables: dict) -> None:
    """dbt build into the private warehouse workdir/w.duckdb (own target and logs)."""
    env = {**os.environ, "SEGMENTS_DB": str(workdir / "w.duckdb"), "DBT_LOG_PATH": str(workdir / "logs")}
    result = subprocess.run(
        [
            dbt_executable(),
            "build",
            "--vars",
            json.dumps(variables),
            "--target-path",
            str(workdir / "target"),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-5000:]}\n{result.stderr[-2000:]}"


@pytest.fixture(scope="session")
def report_warehouses(tmp_path_factory) -> dict[str, Path]:
    """A private warehouse built from 3,000 generated customers, twice: `first` is a copy taken after the
    first build (one model version, one run); `final` is the warehouse after a second build that appends
    300 new customers with six times the cart value and retrains (two model versions, migrations)."""
    from segwarehouse.demo_data import generate_customers

    workdir = tmp_path_factory.mktemp("report_warehouse")
    subprocess.run(
        [sys.executable, "-m", "segwarehouse", "demo", "--customers", "3000", "--out", str(workdir)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    warehouse = workdir / "w.duckdb"
    customers = workdir / "customers.csv"
    variables = {"customers_path": str(customers), "export_dir": str(workdir / "exports")}
    build(workdir, variables)
    first = workdir / "first_build.duckdb"
    shutil.copyfile(warehouse, first)

    columns = customers.read_text(encoding="utf-8").splitlines()[0].split(",")
    arrivals = generate_customers(n_customers=300, n_personas=3, seed=8).customers
    arrivals["customer_id"] = (arrivals["customer_id"].astype(int) + 1_000_000).astype(str)
    arrivals["avg_cart_value"] *= 6.0
    arrivals[columns].to_csv(customers, mode="a", header=False, index=False, float_format="%.10g")
    build(workdir, {**variables, "retrain": True})
    return {"first": first, "final": warehouse}


@pytest.fixture(scope="session")
def report_warehouse(report_warehouses) -> Path:
    return report_warehouses["final"]


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def rendered(report_warehouse, tmp_path_factory) -> dict:
    """Every report executed against the warehouse and rendered, as `make reports` does."""
    out = tmp_path_factory.mktemp("reports")
    before = checksum(report_warehouse)
    env = {**os.environ, "SEGMENTS_DB": str(report_warehouse)}
    command = [
        sys.executable,
        str(REPORTS / "render.py"),
        "html",
        "--out",
        str(out / "html"),
        "--executed",
        str(out / "executed"),
    ]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    return {
        "result": result,
        "html": out / "html",
        "executed": out / "executed",
        "warehouse": report_warehouse,
        "unchanged": checksum(report_warehouse) == before,
        "out": out,
    }


def test_there_are_reports():
    names = {path.stem for path in NOTEBOOKS}
    assert {
        "00_summary",
        "01_data_quality",
        "02_exploration",
        "03_model_selection",
        "04_separation",
        "05_profiles",
        "06_personas",
        "07_lifecycle",
    } <= names


def test_notebooks_are_stored_without_outputs():
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), path.name


def test_every_report_renders(rendered):
    result = rendered["result"]
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    for path in NOTEBOOKS:
        assert (rendered["html"] / f"{path.stem}.html").stat().st_size > 10_000, path.name
    assert (rendered["html"] / "index.html").exists()


@pytest.mark.parametrize("notebook", [path.stem for path in NOTEBOOKS])
def test_no_error_or_warning_in_the_outputs(rendered, notebook):
    executed = nbformat.read(rendered["executed"] / f"{notebook}.ipynb", as_version=4)
    problems = render.output_problems(executed)
    assert not problems, "\n".join(problems)
    # The reports query with jupysql: its %%sql cells ran.
    assert any(cell.source.startswith("%%sql") for cell in executed.cells if cell.cell_type == "code")


def test_the_reports_only_read_the_warehouse(rendered):
    assert rendered["unchanged"], "rendering the reports changed the warehouse file"


@pytest.mark.parametrize("notebook", [path.stem for path in NOTEBOOKS])
def test_html_hides_code_and_needs_no_network(rendered, notebook):
    page = (rendered["html"] / f"{notebook}.html").read_text(encoding="utf-8")
    external = re.findall(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']?(?:https?:)?//""", page)
    assert not external, f"{notebook} loads from the network: {external[:3]}"
    # No code: neither the Python nor the SQL of the cells is on the page.
    assert "hl-ipython3" not in page and "from reportlib" not in page, "code cells are shown"
    assert "%%sql" not in page
    if "plotly" in page:
        assert "plotly.js v" in page, "plotly.js must be embedded in the page"


def test_sections_without_their_inputs_say_so(rendered):
    # The generated warehouse has customers only: no transactions, events or countries.
    page = (rendered["html"] / "02_exploration.html").read_text(encoding="utf-8")
    assert "<b>RFM</b> is not shown" in page
    assert "The funnel</b> is not shown" in page


def test_lifecycle_report_shows_the_versions_and_the_migrations(rendered):
    import duckdb

    page = (rendered["html"] / "07_lifecycle.html").read_text(encoding="utf-8")
    with duckdb.connect(str(rendered["warehouse"]), read_only=True) as connection:
        versions = connection.sql("select max(model_version) from segment_models").fetchone()[0]
        stayed, new = connection.sql(
            """
            select
                sum(customers) filter (where from_segment_id is not null and not is_move),
                sum(customers) filter (where from_segment_id is null)
            from segment_migrations
            """
        ).fetchone()
    assert versions == 2
    assert "v2 (in use)" in page and "Version 2 was trained" in page
    # Migrations between the two runs: the retrain, the stays and the new customers, and the figure.
    assert "a retrain: version 1 → 2" in page
    assert f"{stayed:,} stayed</b>" in page and f"{new:,} customers are new</b>" in page
    assert "From the previous run" in page
    assert "What to do" in page
    summary = (rendered["html"] / "00_summary.html").read_text(encoding="utf-8")
    assert "Model and drift." in summary and "Version 2 (" in summary


def test_lifecycle_report_on_a_first_build(report_warehouses, tmp_path):
    """One model version and one run: the report says there is nothing to compare yet instead of drawing
    empty charts."""
    env = {**os.environ, "SEGMENTS_DB": str(report_warehouses["first"])}
    command = [
        sys.executable,
        str(REPORTS / "render.py"),
        "html",
        "07_lifecycle",
        "--out",
        str(tmp_path / "html"),
        "--executed",
        str(tmp_path / "executed"),
    ]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    executed = nbformat.read(tmp_path / "executed" / "07_lifecycle.ipynb", as_version=4)
    assert not render.output_problems(executed)
    page = (tmp_path / "html" / "07_lifecycle.html").read_text(encoding="utf-8")
    assert "Version 1 is the only version so far" in page
    assert "This is the first run" in page and "From the previous run" not in page
    assert "Every feature's PSI is 0" in page
    assert "Version 1 has not been retrained" in page
    assert "No drift: keep scoring with version 1." in page


@pytest.fixture(scope="session")
def shop_rendered(tmp_path_factory) -> dict:
    """The reports rendered on a warehouse built from invoice lines, events and coupon redemptions (no
    customer table): the sections a customer table cannot feed (RFM, countries, the funnel) are drawn."""
    from segwarehouse.demo_transactions import shop_dbt_vars, write_shop

    workdir = tmp_path_factory.mktemp("shop_reports")
    files = write_shop(workdir / "data", n_customers=1_500, seed=11)
    variables = shop_dbt_vars(
        {name: files[name] for name in ("transactions", "events", "coupon_redemptions")}
    )
    build(
        workdir, {**variables, "k_max": 6, "stability_resamples": 3, "export_dir": str(workdir / "exports")}
    )
    out = workdir / "reports"
    command = [sys.executable, str(REPORTS / "render.py"), "html", "--out", str(out / "html")]
    command += ["--executed", str(out / "executed")]
    env = {**os.environ, "SEGMENTS_DB": str(workdir / "w.duckdb")}
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    return {"html": out / "html", "executed": out / "executed"}


def test_reports_on_transactions_and_events_draw_their_sections(shop_rendered):
    for path in NOTEBOOKS:
        executed = nbformat.read(shop_rendered["executed"] / f"{path.stem}.ipynb", as_version=4)
        assert not render.output_problems(executed), path.stem
    exploration = (shop_rendered["html"] / "02_exploration.html").read_text(encoding="utf-8")
    assert "is not shown" not in exploration.split("Coupons and discounts")[0]
    for section in ("recency, frequency and monetary value", "Countries", "Event funnel"):
        assert section in exploration, section
    assert "United Kingdom" in exploration and "add-to-cart" in exploration
    profiles = (shop_rendered["html"] / "05_profiles.html").read_text(encoding="utf-8")
    assert "RFM group mix of each segment" in profiles and "The three main countries" in profiles
    personas = (shop_rendered["html"] / "06_personas.html").read_text(encoding="utf-8")
    assert "Coupon strategy" in personas


@pytest.fixture(scope="session")
def chromium() -> str:
    binary = render.find_chromium()
    if binary is None:
        pytest.skip("Chromium is not installed (.ci/run installs it from the Debian packages)")
    return binary


@pytest.mark.parametrize("notebook", [path.stem for path in NOTEBOOKS])
def test_each_report_opens_in_chromium(rendered, chromium, notebook):
    from matplotlib.image import imread

    png = render.screenshot(
        rendered["html"] / f"{notebook}.html",
        rendered["out"] / "screens" / f"{notebook}.png",
        width=1280,
        height=2000,
    )
    pixels = imread(png)[..., :3]
    print(f"screenshot: {png}")
    non_white = (pixels < 0.95).any(axis=-1).mean()
    assert non_white > 0.03, f"{notebook}: the page looks empty ({non_white:.1%} non-white)"
    assert np.unique(pixels.reshape(-1, 3), axis=0).shape[0] > 50, (
        f"{notebook}: too few colours to be a report"
    )


def test_pdf_report_has_a_cover_and_at_most_15_pages(rendered, chromium):
    pdf = rendered["out"] / "pdf" / "segmentation_report.pdf"
    result = subprocess.run(
        [
            sys.executable,
            str(REPORTS / "render.py"),
            "pdf",
            "--html",
            str(rendered["html"]),
            "--out",
            str(pdf),
        ],
        cwd=REPO,
        env={**os.environ, "SEGMENTS_DB": str(rendered["warehouse"])},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    pages = render.pdf_page_count(pdf)
    assert 2 <= pages <= 15, pages
    pdftotext = (
        subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=False
        )
        if render.shutil.which("pdftotext")
        else None
    )
    if pdftotext is not None:
        assert "Customer segmentation report" in pdftotext.stdout


def render_one(notebook: str, warehouse: Path, out: Path) -> str:
    """The rendered page of one report against `warehouse`."""
    command = [sys.executable, str(REPORTS / "render.py"), "html", notebook]
    command += ["--out", str(out / "html"), "--executed", str(out / "executed")]
    env = {**os.environ, "SEGMENTS_DB": str(warehouse)}
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    return (out / "html" / f"{notebook}.html").read_text(encoding="utf-8")


def test_the_selection_report_says_which_step_of_the_rule_chose(rendered, tmp_path):
    """Report 03 explains the choice by the step of the rule that made it (model_selection.chosen_by); the
    other steps' texts are checked on copies of the warehouse that say another step chose."""
    import duckdb

    page = (rendered["html"] / "03_model_selection.html").read_text(encoding="utf-8")
    with duckdb.connect(str(rendered["warehouse"]), read_only=True) as connection:
        k, chosen_by = connection.sql("select k, chosen_by from model_selection where is_selected").fetchone()
    said = {
        "largest_k_within_silhouette_tolerance": f"The largest confirmed one, <b>k = {k} (",
        "reproducible_past_silhouette_tolerance": "and another algorithm is stable at that k (step 4).",
        "separating_past_silhouette_tolerance": "as well as the k below it (silhouette not lower; step 4).",
    }
    assert "made in four steps" in page and "(<code>reproducible_k_floor</code>)" in page
    assert said[chosen_by] in page
    for other in sorted(set(said) - {chosen_by}):
        copy = tmp_path / f"{other}.duckdb"
        shutil.copyfile(rendered["warehouse"], copy)
        with duckdb.connect(str(copy)) as connection:
            connection.execute("update model_selection set chosen_by = ? where is_selected", [other])
        other_page = render_one("03_model_selection", copy, tmp_path / other)
        assert said[other] in other_page
        assert not any(text in other_page for step, text in said.items() if step != other)
