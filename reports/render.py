"""Execute the report notebooks against the warehouse and render them to HTML with the code hidden; print
the summary report to PDF with headless Chromium.

    python reports/render.py html [NOTEBOOK ...]   # reports/html/*.html (default: every report)
    python reports/render.py pdf                   # reports/pdf/segmentation_report.pdf from the HTML

Executing uses nbconvert's ExecutePreprocessor (a fresh kernel per notebook, working directory reports/);
rendering uses nbconvert's HTMLExporter with the input cells hidden (as `jupyter nbconvert --no-input`)
and the template in templates/offline, which loads nothing from the network.

The warehouse is the file at env SEGMENTS_DB (default warehouse/segments.duckdb), opened read-only.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import CellExecutionError, ExecutePreprocessor

REPORTS = Path(__file__).resolve().parent
TEMPLATES = REPORTS / "templates"
HTML_DIR = REPORTS / "html"
PDF_DIR = REPORTS / "pdf"
SUMMARY = "00_summary"
PDF_NAME = "segmentation_report.pdf"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)


@dataclass
class Rendered:
    notebook: Path
    html: Path
    executed: nbformat.NotebookNode
    seconds: float
    problems: list[str] = field(default_factory=list)


def report_notebooks() -> list[Path]:
    return sorted(REPORTS.glob("[0-9][0-9]_*.ipynb"))


def execute(notebook: Path, timeout: int = 1800) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel whose working directory is reports/ (so `reportlib` imports)."""
    os.environ.setdefault("PLOOMBER_STATS_ENABLED", "false")
    os.environ.setdefault("PLOOMBER_VERSION_CHECK_DISABLED", "true")
    node = nbformat.read(notebook, as_version=4)
    ExecutePreprocessor(timeout=timeout, kernel_name="python3").preprocess(
        node, {"metadata": {"path": str(REPORTS)}}
    )
    return node


def output_problems(node: nbformat.NotebookNode) -> list[str]:
    """Errors and anything written to stderr (warnings included) by the executed cells."""
    problems = []
    for index, cell in enumerate(node.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                problems.append(f"cell {index}: stderr: {output.get('text', '').strip()[:500]}")
    return problems


def to_html(node: nbformat.NotebookNode) -> str:
    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(node)
    return body


def render(notebook: Path, out_dir: Path = HTML_DIR) -> Rendered:
    started = time.perf_counter()
    node = execute(notebook)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{notebook.stem}.html"
    target.write_text(to_html(node), encoding="utf-8")
    return Rendered(notebook, target, node, time.perf_counter() - started, output_problems(node))


def write_index(rendered: list[Path], out_dir: Path = HTML_DIR) -> Path:
    """reports/html/index.html: a page that links every report."""
    items = []
    for path in sorted(rendered):
        title = path.stem
        match = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8")[:20_000], re.S)
        if match:
            title = html.unescape(match.group(1)).strip()
        items.append(f'<li><a href="{html.escape(path.name)}">{html.escape(title)}</a></li>')
    index = out_dir / "index.html"
    index.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Segmentation reports</title>"
        "<style>body{font-family:Inter,'Segoe UI',Helvetica,Arial,sans-serif;max-width:760px;"
        "margin:48px auto;"
        "color:#1f2933}h1{border-bottom:3px solid #2f6db3;padding-bottom:8px}li{font-size:18px;margin:10px 0}"
        "a{color:#2f6db3;text-decoration:none}a:hover{text-decoration:underline}</style></head><body>"
        "<h1>Customer segmentation reports</h1><ol>" + "".join(items) + "</ol>"
        "<p>The PDF report (a summary of these) is in <code>reports/pdf/</code> after "
        "<code>make report-pdf</code>.</p></body></html>",
        encoding="utf-8",
    )
    return index


# --- Chromium ---------------------------------------------------------------------------------------------


def find_chromium() -> str | None:
    """Chromium from env CHROMIUM, else the first browser of CHROMIUM_NAMES on the PATH."""
    configured = os.environ.get("CHROMIUM")
    if configured and shutil.which(configured):
        return shutil.which(configured)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(arguments: list[str], timeout: int = 180) -> subprocess.CompletedProcess:
    binary = find_chromium()
    if binary is None:
        raise FileNotFoundError("Chromium not found: install it (apt-get install chromium) or set CHROMIUM")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        command = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)


def print_pdf(page: Path, pdf: Path) -> Path:
    """Print an HTML page to PDF (A4 as its print styles say, no browser header or footer)."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    result = run_chromium(
        [
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            "--print-to-pdf-no-header",
            "--virtual-time-budget=30000",
            "--run-all-compositor-stages-before-draw",
            page.resolve().as_uri(),
        ]
    )
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(f"Chromium did not write {pdf}:\n{result.stderr[-2000:]}")
    return pdf


def screenshot(page: Path, png: Path, width: int = 1280, height: int = 2400) -> Path:
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    result = run_chromium(
        [
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            "--virtual-time-budget=30000",
            "--run-all-compositor-stages-before-draw",
            page.resolve().as_uri(),
        ]
    )
    if not png.exists() or png.stat().st_size == 0:
        raise RuntimeError(f"Chromium did not write {png}:\n{result.stderr[-2000:]}")
    return png


def pdf_page_count(pdf: Path) -> int:
    """Pages of a PDF written by Chromium (its page objects are not compressed into object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


# --- Command line ---------------------------------------------------------------------------------------


def render_all(chosen: list[Path], out_dir: Path, executed_dir: Path | None, strict: bool) -> int:
    """Render the chosen notebooks; the number of failures (errors, and warnings when strict)."""
    failures = 0
    for notebook in chosen:
        try:
            result = render(notebook, out_dir)
        except CellExecutionError as error:
            print(f"FAILED {notebook.name}:\n{error}", file=sys.stderr)
            failures += 1
            continue
        if executed_dir is not None:
            executed_dir.mkdir(parents=True, exist_ok=True)
            nbformat.write(result.executed, executed_dir / notebook.name)
        print(f"rendered {result.html} in {result.seconds:.0f} s")
        for problem in result.problems:
            print(f"  warning in {notebook.name}: {problem}", file=sys.stderr)
        failures += bool(strict and result.problems)
    write_index(sorted(out_dir.glob("[0-9][0-9]_*.html")), out_dir)
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    html_command = commands.add_parser("html", help="execute the notebooks and render them to HTML")
    html_command.add_argument("notebooks", nargs="*", help="report names or paths (default: all)")
    html_command.add_argument(
        "--out", type=Path, default=HTML_DIR, help="output directory (default reports/html)"
    )
    html_command.add_argument(
        "--executed", type=Path, help="also keep the executed notebooks in this directory"
    )
    html_command.add_argument("--strict", action="store_true", help="fail on warnings (stderr output) too")
    pdf_command = commands.add_parser("pdf", help=f"print the summary report to PDF ({PDF_NAME})")
    pdf_command.add_argument("--html", type=Path, default=HTML_DIR, help="directory of the rendered HTML")
    pdf_command.add_argument("--out", type=Path, default=PDF_DIR / PDF_NAME, help="the PDF to write")
    args = parser.parse_args(argv)

    if args.command == "html":
        chosen = report_notebooks()
        if args.notebooks:
            wanted = {Path(name).stem for name in args.notebooks}
            chosen = [path for path in chosen if path.stem in wanted]
            if len(chosen) != len(wanted):
                parser.error(
                    f"unknown report(s); choose among {', '.join(p.stem for p in report_notebooks())}"
                )
        return 1 if render_all(chosen, args.out, args.executed, args.strict) else 0

    page = args.html / f"{SUMMARY}.html"
    if not page.exists():
        # The summary has not been rendered yet: render it (only it) first.
        if render_all([REPORTS / f"{SUMMARY}.ipynb"], args.html, None, strict=False):
            return 1
    pdf = print_pdf(page, args.out)
    print(f"wrote {pdf} ({pdf_page_count(pdf)} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
