"""Figures for the reports: each takes the rows of a mart and returns a plotly figure. Small multiples are
plotly express facets; every figure shares one look (the `segments` template), and plotly.js is embedded
once per page (no CDN: the HTML works offline)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import HTML, display
from plotly.subplots import make_subplots

from reportlib.html import fmt_num

PALETTE = "#4C78A8 #F58518 #54A24B #E45756 #72B7B2 #B279A2 #EECA3B #FF9DA6 #9D755D #6B6ECF".split()
ALGORITHM_NAMES = {"kmeans": "k-means", "ward": "Ward (hierarchical)", "gmm": "Gaussian mixture"}
ALGORITHM_NAMES["hdbscan"] = "HDBSCAN (density)"
ALGORITHM_COLOURS = dict(
    zip(ALGORITHM_NAMES.values(), ["#4C78A8", "#54A24B", "#B279A2", "#9D755D"], strict=True)
)
PSI_COLOURS = {"stable": "#54A24B", "moderate": "#F2A93B", "large": "#E45756"}
DIVERGING = [[0.0, "#b35806"], [0.25, "#f1a340"], [0.5, "#f7f7f7"], [0.75, "#6aa3d8"], [1.0, "#1f4e8c"]]
THRESHOLD_LINE = dict(color="#c0392b", dash="dash", width=1.5)
FONT = "Inter, 'Segoe UI', 'Helvetica Neue', Helvetica, Arial, sans-serif"
LEGEND_ON_TOP = dict(orientation="h", x=0, y=1.02, yanchor="bottom", title_text="", itemsizing="constant")
pio.templates["segments"] = go.layout.Template(
    layout=dict(
        font=dict(family=FONT, size=12, color="#1f2933"),
        title=dict(font_size=15, x=0.0, xanchor="left"),
        colorway=PALETTE,
        margin=dict(l=60, r=20, t=60, b=50),
        hoverlabel=dict(font_family=FONT),
        legend=dict(bgcolor="rgba(255,255,255,0.8)", **LEGEND_ON_TOP),
    )
)
pio.templates.default = "plotly_white+segments"
_PAGE = {"plotly_sent": False}


def show(fig: go.Figure, width: int | None = None) -> None:
    """Display a figure as HTML; the first one of the page carries plotly.js itself (inline)."""
    fig.update_layout(legend_title_text="", width=width)
    config = {"displaylogo": False, "responsive": width is None, "modeBarButtonsToRemove": ["lasso2d"]}
    markup = fig.to_html(full_html=False, include_plotlyjs=not _PAGE["plotly_sent"], config=config)
    _PAGE["plotly_sent"] = True
    display(HTML(f'<div class="sr-figure">{markup}</div>'))


def segment_colours(segment_names: Sequence[str]) -> dict[str, str]:
    """A colour per segment name, in the order given (segment id order)."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(dict.fromkeys(segment_names))}


def rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def log1p_ticks(low: float, high: float, most: int = 7) -> tuple[list[float], list[str]]:
    """Tick positions on a log1p axis (positions ln(1 + v)) at round values v between expm1(low) and
    expm1(high), labelled with v itself. Rounder values (0, 1, 10, 100, ...) come first; a value is
    skipped when it would sit closer than 1/most of the axis to a tick already placed."""
    ranked = [(0, 0.0)] + [
        (rank + (3 if exponent < 0 else 0), mantissa * 10.0**exponent)
        for exponent in range(-3, 10)
        for mantissa, rank in ((1, 1), (2, 3), (5, 2))
    ]
    chosen: list[float] = []
    for _, value in sorted(ranked):
        inside = math.expm1(low) - 1e-9 <= value <= math.expm1(high) + 1e-9
        apart = all(abs(math.log1p(value) - math.log1p(other)) >= (high - low) / most for other in chosen)
        if inside and apart:
            chosen.append(value)
    chosen.sort()
    return [math.log1p(v) for v in chosen], [fmt_num(v) for v in chosen]


def capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]


def wrap(label: str, width: int = 14) -> str:
    """A long axis label broken onto two lines (plotly <br>) at the space nearest its middle."""
    if len(label) <= width or " " not in label:
        return label
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - len(label) // 2))
    return label[:cut] + "<br>" + label[cut + 1 :]


def _facets(fig: go.Figure, panels: int, columns: int, panel_height: int) -> go.Figure:
    """Facet titles without the column name, an axis of its own per panel, height per row of panels."""
    fig.for_each_annotation(lambda a: a.update(text=capitalised(a.text.split("=", 1)[-1]), font_size=12))
    fig.update_xaxes(matches=None, showticklabels=True, title_text="")
    fig.update_yaxes(matches=None, showticklabels=True, title_text="")
    return fig.update_layout(height=panel_height * math.ceil(panels / columns) + 90, margin_t=90)


def _feature_axes(fig: go.Figure, rows: pd.DataFrame, axis: str, ticks: int) -> None:
    """Per panel whose traces carry (feature, transform) as their first custom data: the panel's range
    (x axes) and, on the model's log1p scale, tick labels in the feature's own units."""
    for trace in fig.data:
        if trace.customdata is None or not len(trace.customdata):
            continue
        feature, transform = trace.customdata[0][:2]
        own = rows[rows["feature"] == feature]
        low, high = float(own["low"].min()), float(own["high"].max())
        layout = fig.layout[(trace.xaxis if axis == "x" else trace.yaxis).replace(axis, axis + "axis")]
        if transform == "log1p" and high > low:
            values, texts = log1p_ticks(low, high, ticks)
            layout.update(tickmode="array", tickvals=values, ticktext=texts)
        if axis == "x":
            layout.update(range=[low, high])


def distributions(
    bins: pd.DataFrame, colours: Mapping[str, str] | None = None, columns=3, panel_height=250, ticks=6
) -> go.Figure:
    """Per feature a panel of report_feature_histograms rows (feature, panel title, transform, bin_low,
    bin_high, customers, share, smoothed_share, segment_name): for all customers the share per bin
    as bars and the smoothed density as a line; per segment (colours given) each segment's share as a step."""
    data = bins.assign(
        low=bins["bin_low"], high=bins["bin_high"], x=(bins["bin_low"] + bins["bin_high"]) / 2
    ).assign(percent=100 * bins["share"], smoothed=100 * bins["smoothed_share"])
    order = list(dict.fromkeys(data["panel"]))
    facets = dict(x="x", facet_col="panel", facet_col_wrap=columns, category_orders={"panel": order})
    facets.update(custom_data=["feature", "transform", "customers"], facet_col_spacing=0.06)
    facets.update(facet_row_spacing=0.45 / max(math.ceil(len(order) / columns), 1))
    hover = "%{customdata[2]:,} customers (%{y:.1f}%)<extra>%{fullData.name}</extra>"
    if colours is None:
        fig = px.bar(data, y="percent", **facets).update_traces(marker_color=rgba(PALETTE[0], 0.55))
        smooth = px.line(data, y="smoothed", **facets).update_traces(line=dict(color=PALETTE[0], width=2))
        fig.add_traces(smooth.update_traces(hoverinfo="skip").data)
        for trace in fig.select_traces(selector=dict(type="bar")):
            own = data[data["feature"] == trace.customdata[0][0]]
            trace.update(width=0.95 * (own["high"] - own["low"]).to_numpy(), hovertemplate=hover)
        fig.update_layout(showlegend=False, bargap=0)
    else:
        facets["category_orders"]["segment_name"] = list(colours)
        fig = px.line(data, y="percent", color="segment_name", color_discrete_map=colours, **facets)
        fig.update_traces(line_shape="hvh", fill="tozeroy", hovertemplate=hover)
        fig.for_each_trace(lambda t: t.update(fillcolor=rgba(t.line.color, 0.15)))
    _facets(fig, len(order), columns, panel_height).update_yaxes(ticksuffix="%")
    _feature_axes(fig, data, "x", ticks)
    return fig


def box_panels(boxes: pd.DataFrame, colours: Mapping[str, str], columns=3, panel_height=280, ticks=6):
    """Per feature (panel) one box per segment from report_feature_boxes rows (feature, panel, transform,
    segment_name, q1, median, q3, mean, lower_whisker, upper_whisker, outliers): quartiles and Tukey
    whiskers over all customers; values beyond the whiskers are counted in the hover, not drawn."""
    panels = list(dict.fromkeys(boxes["panel"]))
    rows, columns = math.ceil(len(panels) / columns), min(columns, len(panels))
    titles = [capitalised(panel) for panel in panels]
    fig = make_subplots(rows, columns, subplot_titles=titles, vertical_spacing=0.4 / rows)
    for box in boxes.itertuples(index=False):
        index, colour = panels.index(box.panel), colours.get(box.segment_name, PALETTE[0])
        statistics = dict(q1=[box.q1], median=[box.median], q3=[box.q3], mean=[box.mean])
        statistics.update(lowerfence=[box.lower_whisker], upperfence=[box.upper_whisker])
        style = dict(marker_color=colour, fillcolor=rgba(colour, 0.4), line_color=colour, boxpoints=False)
        note = f"{int(box.outliers):,} customers beyond the whiskers (not drawn)"
        trace = go.Box(
            x=[wrap(box.segment_name)], name=box.segment_name, hovertext=note, **statistics, **style
        )
        trace.update(customdata=[[box.feature, box.transform]], legendgroup=box.segment_name)
        fig.add_trace(trace.update(showlegend=index == 0), row=index // columns + 1, col=index % columns + 1)
    _feature_axes(fig, boxes.rename(columns={"lower_whisker": "low", "upper_whisker": "high"}), "y", ticks)
    fig.update_layout(height=panel_height * rows + 90, showlegend=len(colours) > 1)
    return fig.update_xaxes(showticklabels=len(colours) <= 1).update_annotations(font_size=12)


def heatmap(table: pd.DataFrame, title: str, scale="z", text: pd.DataFrame | None = None, height=None):
    """A labelled matrix: scale z (diverging, symmetric around 0), r (-1 to 1), share (0 to 100%) or
    blues (0 to the largest value); the cells show `text` or the values."""
    peak = float(np.nanmax(np.abs(table.to_numpy(dtype=float)), initial=0.0))
    limit = {"r": 1.0, "share": 100.0, "blues": peak}.get(scale, max(1.0, math.ceil(peak * 2) / 2))
    colours = "Blues" if scale in ("share", "blues") else DIVERGING
    range_ = dict(zmin=0 if scale in ("share", "blues") else -limit, zmax=limit)
    fig = px.imshow(table, color_continuous_scale=colours, aspect="auto", **range_)
    text = text if text is not None else table.map(lambda v: "" if pd.isna(v) else f"{v:+.2f}")
    fig.update_traces(text=text.to_numpy(), texttemplate="%{text}", xgap=2, ygap=2, hoverongaps=False)
    fig.update_traces(hovertemplate="%{y} × %{x}: %{text}<extra></extra>")
    fig.update_coloraxes(
        colorbar=dict(title_text={"z": "z", "r": "r", "share": "%"}.get(scale, ""), thickness=12)
    )
    fig.update_xaxes(
        title_text="", tickangle=-30 if len(table.columns) > 6 else 0, tickvals=list(table.columns)
    )
    fig.update_xaxes(ticktext=[wrap(capitalised(str(c))) for c in table.columns])
    fig.update_yaxes(title_text="", automargin=True, tickvals=list(table.index))
    fig.update_yaxes(ticktext=[capitalised(str(i)) for i in table.index])
    return fig.update_layout(title=title, height=height or 160 + 48 * len(table), margin_l=10)


def selection_grid(candidates: pd.DataFrame, metrics: Mapping[str, str], columns=4) -> go.Figure:
    """Every criterion of model_selection (metrics: column -> title) per k and algorithm: open markers are
    ineligible candidates, a star the chosen model, the rule's floors dashed."""
    keys = ["algorithm", "k", "is_eligible", "is_selected", "ineligible_reason"]
    present = [m for m in metrics if m in candidates and candidates[m].notna().any()]
    long = candidates.melt(id_vars=keys, value_vars=present, var_name="metric").dropna(subset=["value"])
    long["series"] = long["algorithm"].map(lambda a: ALGORITHM_NAMES.get(a, a))
    chosen = long[long["is_selected"].fillna(False).astype(bool)].assign(series="chosen model")
    floors = [
        pd.DataFrame({"metric": metric, "k": [long["k"].min(), long["k"].max()], "series": name}).assign(
            value=float(candidates[column].max())
        )
        for column, metric, name in [
            ("stability_floor", "prediction_strength", "floor"),
            ("min_segment_share", "smallest_segment_share", "minimum"),
        ]
        if metric in present
    ]
    frame = pd.concat([long, chosen, *floors], ignore_index=True).assign(
        metric=lambda f: f["metric"].map(metrics),
        state=lambda f: f["is_eligible"].map({True: "eligible", False: "ineligible:"}).fillna("not judged"),
    )
    colours = {**ALGORITHM_COLOURS, "floor": "#c0392b", "minimum": "#c0392b"}
    fig = px.line(
        frame, x="k", y="value", color="series", facet_col="metric", facet_col_wrap=columns, markers=True,
        custom_data=["state", "ineligible_reason"], category_orders={"metric": [metrics[m] for m in present]},
        color_discrete_map=colours, facet_row_spacing=0.5 / math.ceil(len(present) / columns),
    )  # fmt: skip
    hover = "%{fullData.name}, k = %{x}: %{y:.3~g}<br>%{customdata[0]} %{customdata[1]}<extra></extra>"
    for trace in fig.data:
        if trace.name == "chosen model":
            star = dict(symbol="star", size=16, color="#FFC107", line=dict(color="#333", width=1))
            trace.update(mode="markers", marker=star, hoverinfo="skip")
        elif trace.name in ("floor", "minimum"):
            trace.update(mode="lines", line=THRESHOLD_LINE, hoverinfo="skip")
        else:
            fill = ["white" if s == "ineligible:" else trace.line.color for s, _ in trace.customdata]
            marker = dict(size=8, color=fill, line=dict(color=trace.line.color, width=1.5))
            trace.update(marker=marker, hovertemplate=hover)
    return _facets(fig, len(present), columns, 330).update_xaxes(dtick=1)


def bars(frame: pd.DataFrame, x: str, y: str, title: str, x_title="", colour=None, colours=None, **options):
    """Horizontal bars in the frame's order (first on top), coloured by the column `colour` through
    `colours` (else the first palette colour); `options` go to px.bar (text, barmode, ...)."""
    fig = px.bar(frame, x=x, y=y, orientation="h", color=colour, color_discrete_map=colours, **options)
    if colour is None:
        fig.update_traces(marker_color=PALETTE[0])
    fig.update_traces(textposition="auto", cliponaxis=False)
    fig.update_yaxes(autorange="reversed", automargin=True, title_text="", categoryorder="trace")
    height = 120 + (34 if "barmode" not in options else 56) * frame[y].nunique()
    fig.update_layout(showlegend=colours is None and colour is not None or "barmode" in options)
    return fig.update_layout(title=title, xaxis_title=x_title, height=height, margin_l=10)


def threshold_bars(
    frame, x: str, y: str, title: str, threshold: float, colours=None, percent=False, **options
):
    """Horizontal bars (`bars`) with the threshold the build used as a dashed line; on a percent axis x
    and the threshold are shares, drawn as percentages."""
    scale = 100 if percent else 1
    fig = bars(frame.assign(**{x: scale * frame[x]}), x, y, title, colours=colours, **options)
    top = scale * max(float(frame[x].max()) if len(frame) else 0.0, threshold) * 1.35
    note = f"threshold {scale * threshold:g}{'%' if percent else ''}"
    fig.add_vline(x=scale * threshold, line=THRESHOLD_LINE, annotation_text=note, annotation_position="top")
    fig.update_traces(textposition="outside").update_layout(showlegend=False, margin_t=70)
    return fig.update_xaxes(range=[0, top], ticksuffix="%" if percent else "")


def radar_grid(lifts: pd.DataFrame, colours: Mapping[str, str], columns=3, panel_height=330) -> go.Figure:
    """One radar per segment over its standardized means (segment_centroids: segment_name, label,
    centroid_z); the dotted ring is the all-customer mean. px.line_polar has no facets, hence the grid."""
    names = list(colours)
    rows, columns = math.ceil(len(names) / columns), min(columns, len(names))
    specs = [[{"type": "polar"}] * columns] * rows
    fig = make_subplots(rows, columns, specs=specs, subplot_titles=names, horizontal_spacing=0.12)
    for index, name in enumerate(names):
        own = lifts[lifts["segment_name"] == name]
        theta, values = list(own["label"]) + list(own["label"])[:1], list(own["centroid_z"].fillna(0))
        where = dict(row=index // columns + 1, col=index % columns + 1)
        ring = dict(color="#888", dash="dot", width=1)
        fig.add_trace(go.Scatterpolar(r=[0] * len(theta), theta=theta, line=ring, hoverinfo="skip"), **where)
        shape = go.Scatterpolar(r=values + values[:1], theta=theta, fill="toself", name=name)
        shape.update(fillcolor=rgba(colours[name], 0.3), line=dict(color=colours[name], width=2))
        fig.add_trace(shape, **where)
    limit = max(1.0, math.ceil(float(lifts["centroid_z"].abs().max()) * 2) / 2)
    radial = dict(range=[-limit, limit], dtick=1, tickfont=dict(size=8, color="#888"), angle=90, tickangle=90)
    fig.update_polars(radialaxis=radial, angularaxis_tickfont_size=10)
    fig.update_layout(height=panel_height * rows + 60, margin=dict(t=70, l=70, r=70), showlegend=False)
    return fig.update_annotations(yshift=18, font_size=13)


def projection(points: pd.DataFrame, x: str, y: str, colours, title: str, arrows=None, height=600):
    """Sampled customers (report_customer_projection) coloured by segment, with each segment's median
    position on the map as a labelled diamond and optional loading arrows (rows of x, y, label)."""
    order = {"segment_name": list(colours)}
    fig = px.scatter(
        points, x=x, y=y, color="segment_name", color_discrete_map=colours, category_orders=order
    )
    fig.update_traces(marker=dict(size=5, opacity=0.55, line_width=0), hovertext=points["customer_id"])
    centres = points.groupby("segment_name")[[x, y]].median().reindex(list(colours)).dropna()
    diamond = dict(symbol="diamond", size=16, color=[colours[n] for n in centres.index], line_width=2)
    labels = [f"<b>{name}</b>" for name in centres.index]
    centre = go.Scatter(x=centres[x], y=centres[y], mode="markers+text", text=labels, marker=diamond)
    fig.add_trace(centre.update(name="segment centre (median)", textposition="top center"))
    for arrow in [] if arrows is None else arrows.itertuples(index=False):
        side = "left" if arrow.x >= 0 else "right"
        fig.add_annotation(x=arrow.x, y=arrow.y, ax=0, ay=0, axref="x", ayref="y", arrowhead=2, text="")
        fig.add_annotation(x=arrow.x, y=arrow.y, text=arrow.label, showarrow=False, xanchor=side, yshift=6)
    fig.update_xaxes(zeroline=False).update_yaxes(zeroline=False)
    return fig.update_layout(title=title, height=height)


def pair_plot(points: pd.DataFrame, dimensions: Mapping[str, str], colours=None, height=720) -> go.Figure:
    """Scatter matrix (lower triangle) of the columns given (column -> label), by segment when coloured."""
    colour = dict(color="segment_name", color_discrete_map=colours) if colours else {}
    colour.update(category_orders={"segment_name": list(colours or {})})
    fig = px.scatter_matrix(points, dimensions=list(dimensions), labels=dict(dimensions), **colour)
    marker = dict(size=3.5, opacity=0.45 if colours else 0.3, line_width=0)
    fig.update_traces(showupperhalf=False, diagonal_visible=False, marker=marker)
    return fig.update_layout(height=height, dragmode="zoom")


def silhouette_plot(points: pd.DataFrame, colours: Mapping[str, str], height=460) -> go.Figure:
    """The classic silhouette plot over the sampled customers (report_customer_projection): a band per
    segment, its customers sorted by silhouette, the sample's mean dashed."""
    rank = points["segment_name"].map(list(colours).index)
    ordered = points.assign(rank=rank).sort_values(["rank", "silhouette"], ascending=[True, False])
    ordered["position"] = np.arange(len(ordered)) + rank.loc[ordered.index] * max(len(points) // 40, 1)
    fig = px.area(ordered, x="silhouette", y="position", color="segment_name", color_discrete_map=colours)
    fig.update_traces(orientation="h", line_width=0.5, stackgroup=None, fill="tozerox")
    mean = float(points["silhouette"].mean())
    fig.add_vline(x=mean, line=THRESHOLD_LINE, annotation_text=f"mean {mean:.2f}")
    fig.add_vline(x=0, line=dict(color="#555", width=1))
    fig.update_yaxes(visible=False, autorange="reversed")
    axis = "silhouette: 1 = deep inside its segment, below 0 = closer to another segment"
    return fig.update_layout(
        title="Silhouette of sampled customers, per segment", xaxis_title=axis, height=height
    )


def run_history(runs: pd.DataFrame, height=380) -> go.Figure:
    """Per run (segment_runs with a run label): new, moved and gone customers stacked, the share far from
    every centroid on the right axis, the runs that trained a version marked."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for column, name, colour in [
        ("new_customers", "new", PALETTE[0]),
        ("customers_moved", "moved", PALETTE[1]),
    ]:
        fig.add_trace(go.Bar(x=runs["run_label"], y=runs[column], name=name, marker_color=colour))
    fig.add_trace(go.Bar(x=runs["run_label"], y=runs["customers_gone"], name="gone", marker_color="#9aa5b1"))
    far = go.Scatter(x=runs["run_label"], y=100 * runs["far_from_centroids_share"], line_color=PALETTE[3])
    fig.add_trace(far.update(name="far from every centroid (right axis)"), secondary_y=True)
    for run in runs[runs["is_new_model_version"]].itertuples(index=False):
        note = dict(text=f"v{run.model_version} trained", font=dict(size=11, color="#2f6db3"))
        fig.add_annotation(x=run.run_label, y=1.0, yref="paper", showarrow=False, yanchor="bottom", **note)
    fig.update_yaxes(title_text="customers", secondary_y=False)
    right = dict(title_text="far from every centroid", ticksuffix="%", rangemode="tozero", showgrid=False)
    fig.update_yaxes(secondary_y=True, **right)
    legend = dict(LEGEND_ON_TOP, y=-0.2, yanchor="top")
    return fig.update_layout(barmode="stack", height=height, title="Changes per run", legend=legend)
