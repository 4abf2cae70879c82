"""Small HTML building blocks for the rendered reports: headers, KPI tiles, notes, tables, persona cards.

The look (classes sr-*) is defined in templates/offline/report.css, which the renderer inlines.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Mapping

import pandas as pd
from IPython.display import HTML, Markdown, display


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def fmt_int(value: object) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "–"


def fmt_pct(value: object, digits: int = 1) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if number != number:
        return "–"
    return f"{100 * number:.{digits}f}%"


def fmt_num(value: object) -> str:
    """A number as a reader wants it: 1.2M, 12.3k, 1,234, 12.3, 0.42."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    if number != number:
        return "–"
    magnitude = abs(number)
    if magnitude >= 1e6:
        return f"{number / 1e6:.1f}M".replace(".0M", "M")
    if magnitude >= 1e4:
        return f"{number / 1e3:.1f}k".replace(".0k", "k")
    if magnitude >= 100 or number == int(number):
        return f"{number:,.0f}"
    if magnitude >= 10:
        return f"{number:.1f}"
    return f"{number:.2f}"


def fmt_z(value: object) -> str:
    try:
        return f"{float(value):+.2f}"
    except (TypeError, ValueError):
        return "–"


def show_html(markup: str) -> None:
    display(HTML(markup))


def show_markdown(text: str) -> None:
    display(Markdown(text))


def header(title: str, subtitle: str, facts: Iterable[tuple[str, str]]) -> None:
    """The report's title block: title, one line on what it answers, and the facts it was made from."""
    items = "".join(f"<span><b>{esc(label)}</b> {esc(value)}</span>" for label, value in facts)
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    show_html(
        f"""<div class="sr-header"><h1>{esc(title)}</h1><p class="sr-subtitle">{esc(subtitle)}</p>
        <div class="sr-facts">{items}<span><b>Generated</b> {esc(stamp)}</span></div></div>"""
    )


def kpis(items: Iterable[tuple[str, str, str]]) -> None:
    """A row of KPI tiles: (label, value, small note)."""
    tiles = "".join(
        f'<div class="sr-kpi"><div class="sr-kpi-value">{esc(value)}</div>'
        f'<div class="sr-kpi-label">{esc(label)}</div><div class="sr-kpi-note">{esc(note)}</div></div>'
        for label, value, note in items
    )
    show_html(f'<div class="sr-kpis">{tiles}</div>')


def note(text: str, kind: str = "info") -> None:
    """A boxed remark. kind: info (how to read), skip (section left out, and why), warn, method."""
    show_html(f'<div class="sr-note sr-note-{esc(kind)}">{text}</div>')


def skipped(section: str, reason: str) -> None:
    note(f"<b>{esc(section)}</b> is not shown: {esc(reason)}", "skip")


def table(
    frame: pd.DataFrame,
    formats: Mapping[str, Callable[[object], str] | str] | None = None,
    highlight: pd.Series | None = None,
    caption: str | None = None,
) -> None:
    """A table without the index, numbers formatted per column, rows where `highlight` is true marked."""
    formats = dict(formats or {})
    rows = []
    for position, (_, record) in enumerate(frame.iterrows()):
        cells = []
        for column in frame.columns:
            value = record[column]
            formatter = formats.get(column)
            if callable(formatter):
                text = formatter(value)
            elif isinstance(formatter, str):
                text = formatter.format(value) if pd.notna(value) else "–"
            elif value is None or (isinstance(value, float) and value != value):
                text = "–"
            else:
                text = str(value)
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            cells.append(f'<td class="{"sr-num" if numeric else ""}">{esc(text)}</td>')
        marked = highlight is not None and bool(highlight.iloc[position])
        rows.append(f'<tr class="{"sr-highlight" if marked else ""}">{"".join(cells)}</tr>')
    head = "".join(f"<th>{esc(column)}</th>" for column in frame.columns)
    caption_html = f"<caption>{esc(caption)}</caption>" if caption else ""
    show_html(
        f'<div class="sr-table-wrap"><table class="sr-table">{caption_html}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def page_break() -> None:
    """Start a new page when printed (the PDF report); invisible on screen."""
    show_html('<div class="sr-page-break"></div>')


def bar_svg(values: Mapping[str, float], limit: float = 2.0, width: int = 330) -> str:
    """A tiny diverging bar chart (inline SVG) of z-scores: right and blue above the mean, left and orange
    below, clipped at +/- limit."""
    rows = [(label if len(label) <= 26 else label[:25] + "…", value) for label, value in values.items()]
    row_height, label_width = 18, 165
    half = (width - label_width) / 2
    centre = label_width + half
    parts = []
    for index, (label, value) in enumerate(rows):
        y = index * row_height
        clipped = max(-limit, min(limit, float(value)))
        length = abs(clipped) / limit * (half - 4)
        x = centre if clipped >= 0 else centre - length
        colour = "#2f6db3" if clipped >= 0 else "#d9822b"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{esc(label)}</text>'
            f'<rect x="{x:.1f}" y="{y + 4}" width="{length:.1f}" height="11" fill="{colour}" rx="2"/>'
            f'<text x="{(x + length + 3) if clipped >= 0 else (x - 3):.1f}" y="{y + 13}" '
            f'text-anchor="{"start" if clipped >= 0 else "end"}" class="sr-svg-value">{fmt_z(value)}</text>'
        )
    height = row_height * len(rows) + 4
    return (
        f'<svg class="sr-bars" width="{width + 40}" height="{height}" viewBox="-20 0 {width + 40} {height}">'
        f'<line x1="{centre}" x2="{centre}" y1="0" y2="{height}" stroke="#999" stroke-width="1"/>'
        f"{''.join(parts)}</svg>"
    )


def persona_card(
    name: str,
    colour: str,
    customers: int,
    share: float,
    description: str,
    traits: Iterable[str],
    lifts: Mapping[str, float],
    typical: Iterable[str],
    action: str,
    coupon: str | None,
    examples: Iterable[str],
    is_catalogue: bool,
) -> str:
    """One segment as a card: name, size, who they are, what to do."""
    badge = '<span class="sr-badge">catalogue persona</span>' if is_catalogue else ""
    chips = "".join(f'<span class="sr-chip">{esc(trait)}</span>' for trait in traits)
    typical_items = "".join(f"<li>{esc(item)}</li>" for item in typical)
    coupon_html = f"<h4>Coupon strategy</h4><p>{esc(coupon)}</p>" if coupon else ""
    example_ids = ", ".join(esc(example) for example in examples)
    return f"""
    <div class="sr-card" style="--sr-card-colour: {esc(colour)}">
      <h3>{esc(name)}{badge}</h3>
      <div class="sr-size">{fmt_int(customers)} customers · {fmt_pct(share)} of all</div>
      <div class="sr-share"><div style="width: {max(1.0, 100 * float(share)):.1f}%"></div></div>
      <p>{esc(description)}</p>
      <h4>Key traits</h4><div>{chips}</div>
      <h4>Against the average customer (z-score)</h4>{bar_svg(lifts)}
      <h4>Typical customer (median)</h4><ul class="sr-typical">{typical_items}</ul>
      <h4>Suggested action</h4><p>{esc(action)}</p>
      {coupon_html}
      <h4>Closest to the segment centre</h4><p class="sr-examples">customers {example_ids}</p>
    </div>"""


def persona_cards(
    profiles: pd.DataFrame,
    lifts: pd.DataFrame,
    examples: pd.DataFrame,
    colours: Mapping[str, str],
    max_bars: int = 8,
    title: str | None = None,
) -> None:
    """One card per segment: segment_profiles rows, segment_centroids rows (segment_id, label, centroid_z,
    median_value, overall_median_value) and the customers closest to each centre (segment_id,
    customer_id)."""
    markup = []
    for record in profiles.itertuples(index=False):
        own = lifts[lifts["segment_id"] == record.segment_id]
        own = own.loc[own["centroid_z"].abs().sort_values(ascending=False).index]
        typical = [
            f"{row.label}: {fmt_num(row.median_value)} (all customers: {fmt_num(row.overall_median_value)})"
            for row in own.head(3).itertuples(index=False)
        ]
        ids = examples.loc[examples["segment_id"] == record.segment_id, "customer_id"].astype(str)
        markup.append(
            persona_card(
                record.segment_name,
                colours[record.segment_name],
                record.customers,
                record.customer_share,
                record.segment_description,
                re.split(r"(?<=\)),\s*", record.key_traits or ""),
                dict(zip(own["label"].head(max_bars), own["centroid_z"].head(max_bars), strict=True)),
                typical,
                record.suggested_action,
                record.coupon_strategy if isinstance(record.coupon_strategy, str) else None,
                list(ids),
                bool(record.is_catalogue_persona),
            )
        )
    cards(markup, title)


def cards(markup: Iterable[str], title: str | None = None) -> None:
    """Cards in a grid. With a `title`, the cards start a new printed page under that heading."""
    heading = f'<div class="sr-page-break"></div><h2>{esc(title)}</h2>' if title else ""
    show_html(f'{heading}<div class="sr-cards">{"".join(markup)}</div>')


def cover(
    title: str,
    subtitle: str,
    tiles: Iterable[tuple[str, str, str]],
    contents: Iterable[str],
    meta: Iterable[str],
) -> None:
    """The cover page of the printed report."""
    kpi_html = "".join(
        f'<div class="sr-kpi"><div class="sr-kpi-value">{esc(value)}</div>'
        f'<div class="sr-kpi-label">{esc(label)}</div><div class="sr-kpi-note">{esc(note)}</div></div>'
        for label, value, note in tiles
    )
    items = "".join(f"<li>{esc(item)}</li>" for item in contents)
    lines = "<br>".join(esc(line) for line in meta)
    show_html(
        f"""<div class="sr-cover"><h1>{esc(title)}</h1><p class="sr-subtitle">{esc(subtitle)}</p>
        <div class="sr-kpis">{kpi_html}</div><h3>Contents</h3><ol>{items}</ol>
        <div class="sr-meta">{lines}</div></div>"""
    )
