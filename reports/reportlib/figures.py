"""Figures for the reports, built from the small frames that the SQL returns.

Interactive figures are plotly with plotly.js embedded in the page once (no CDN: the HTML works offline);
static ones (silhouette plot, dendrogram) are matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import HTML, display
from plotly.subplots import make_subplots

from reportlib.html import fmt_num, fmt_z

matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

PALETTE = [
    "#4C78A8",
    "#F58518",
    "#54A24B",
    "#E45756",
    "#72B7B2",
    "#B279A2",
    "#EECA3B",
    "#FF9DA6",
    "#9D755D",
    "#6B6ECF",
]
ALGORITHM_COLORS = {"kmeans": "#4C78A8", "ward": "#54A24B", "gmm": "#B279A2", "hdbscan": "#9D755D"}
ALGORITHM_NAMES = {
    "kmeans": "k-means",
    "ward": "Ward (hierarchical)",
    "gmm": "Gaussian mixture",
    "hdbscan": "HDBSCAN (density)",
}
FONT = "Inter, 'Segoe UI', 'Helvetica Neue', Helvetica, Arial, sans-serif"
DIVERGING = [[0.0, "#b35806"], [0.25, "#f1a340"], [0.5, "#f7f7f7"], [0.75, "#6aa3d8"], [1.0, "#1f4e8c"]]

pio.templates["segments"] = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=12, color="#1f2933"),
        title=dict(font=dict(size=15), x=0.0, xanchor="left"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=60, r=20, t=60, b=50),
        hoverlabel=dict(font=dict(family=FONT)),
        legend=dict(bgcolor="rgba(255,255,255,0.8)"),
    )
)
pio.templates.default = "plotly_white+segments"

plt.rcParams.update(
    {
        "figure.dpi": 110,
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.titlelocation": "left",
    }
)

_PLOTLYJS = {"sent": False}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def show(fig: go.Figure, width: int | None = None) -> None:
    """Display a plotly figure as HTML; the first one of the page carries plotly.js itself (inline)."""
    if width:
        fig.update_layout(width=width)
    markup = fig.to_html(
        full_html=False,
        include_plotlyjs=not _PLOTLYJS["sent"],
        config={**PLOTLY_CONFIG, "responsive": width is None},
    )
    _PLOTLYJS["sent"] = True
    display(HTML(f'<div class="sr-figure">{markup}</div>'))


def show_static(fig: plt.Figure) -> None:
    """Display a matplotlib figure as an image and release it."""
    display(fig)
    plt.close(fig)


def segment_colors(segment_ids: Sequence[int]) -> dict[int, str]:
    return {int(segment): PALETTE[i % len(PALETTE)] for i, segment in enumerate(sorted(segment_ids))}


def rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


# --- Scales -----------------------------------------------------------------------------------------------


def log1p_ticks(low: float, high: float, most: int = 7) -> tuple[list[float], list[str]]:
    """Tick positions on a log1p axis (positions ln(1 + v)) at round values v between expm1(low) and
    expm1(high), labelled with v itself. Rounder values (0, 1, 10, 100, ...) come first; a value is
    skipped when it would sit closer than 1/most of the axis to a tick already placed."""
    low_value, high_value = math.expm1(low), math.expm1(high)
    ranked = [(0, 0.0)]
    for exponent in range(-3, 10):
        for mantissa, rank in ((1, 1), (2, 3), (5, 2)):
            ranked.append((rank + (3 if exponent < 0 else 0), mantissa * 10.0**exponent))
    gap = (high - low) / most
    chosen: list[float] = []
    for _, value in sorted(ranked):
        if not low_value - 1e-9 <= value <= high_value + 1e-9:
            continue
        position = math.log1p(value)
        if all(abs(position - math.log1p(other)) >= gap for other in chosen):
            chosen.append(value)
    chosen.sort()
    return [math.log1p(v) for v in chosen], [fmt_num(v) for v in chosen]


def original_value(position: float, transform: str) -> float:
    return math.expm1(position) if transform == "log1p" else position


def _axis_ticks(
    fig: go.Figure, axis: str, transform: str, low: float, high: float, row=None, col=None, most: int = 6
):
    if transform != "log1p":
        (fig.update_xaxes if axis == "x" else fig.update_yaxes)(nticks=most, row=row, col=col)
        return
    values, texts = log1p_ticks(low, high, most)
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    update(tickmode="array", tickvals=values, ticktext=texts, row=row, col=col)


def wrap(label: str, width: int = 14) -> str:
    """A long axis label broken onto two lines (plotly <br>) at the space nearest its middle."""
    if len(label) <= width or " " not in label:
        return label
    middle = len(label) // 2
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - middle))
    return label[:cut] + "<br>" + label[cut + 1 :]


def _grid(count: int, columns: int) -> tuple[int, int]:
    columns = max(1, min(columns, count))
    return math.ceil(count / columns), columns


def _feature_panels(
    features: Sequence[str],
    labels: Mapping[str, str],
    transforms: Mapping[str, str],
    columns: int,
    horizontal_spacing: float,
    vertical_gap: float,
) -> tuple[go.Figure, int, int]:
    """One subplot per feature, titled with its label (and the log scale where the model used log1p).
    Returns the figure and the numbers of rows and columns."""
    rows, columns = _grid(len(features), columns)
    titles = [labels[f] + (" (log scale)" if transforms.get(f) == "log1p" else "") for f in features]
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        horizontal_spacing=horizontal_spacing,
        vertical_spacing=vertical_gap / max(rows, 1) if rows > 1 else 0.1,
    )
    return fig, rows, columns


# --- Distributions ----------------------------------------------------------------------------------------


def histogram_grid(
    bins: pd.DataFrame,
    features: Sequence[str],
    labels: Mapping[str, str],
    transforms: Mapping[str, str],
    columns: int = 3,
    colour: str = PALETTE[0],
    panel_height: int = 250,
    ticks: int = 6,
) -> go.Figure:
    """Small multiples: per feature, the share of customers per bin (bars) and its smoothed density (line)."""
    fig, rows, columns = _feature_panels(features, labels, transforms, columns, 0.06, 0.5)
    for index, feature in enumerate(features):
        row, col = index // columns + 1, index % columns + 1
        data = bins[bins["feature"] == feature].sort_values("bin")
        if data.empty:
            continue
        transform = transforms.get(feature, "identity")
        centres = (data["low"] + data["high"]) / 2
        hover = [
            f"{fmt_num(original_value(lo, transform))} – {fmt_num(original_value(hi, transform))}: "
            f"{int(n):,} customers ({100 * s:.1f}%)"
            for lo, hi, n, s in zip(data["low"], data["high"], data["customers"], data["share"], strict=True)
        ]
        fig.add_trace(
            go.Bar(
                x=centres,
                y=100 * data["share"],
                width=(data["high"] - data["low"]) * 0.95,
                marker_color=rgba(colour, 0.55),
                hovertext=hover,
                hoverinfo="text",
                showlegend=False,
            ),
            row=row,
            col=col,
        )
        fig.add_trace(
            go.Scatter(
                x=centres,
                y=100 * data["smoothed_share"],
                mode="lines",
                line=dict(color=colour, width=2),
                hoverinfo="skip",
                showlegend=False,
            ),
            row=row,
            col=col,
        )
        _axis_ticks(fig, "x", transform, data["low"].min(), data["high"].max(), row, col, ticks)
        fig.update_xaxes(range=[data["low"].min(), data["high"].max()], row=row, col=col)
        fig.update_yaxes(ticksuffix="%", row=row, col=col)
    fig.update_layout(height=panel_height * rows + 60, bargap=0, margin=dict(t=60))
    fig.update_annotations(font_size=12)
    return fig


def box_figure(stats: pd.DataFrame, names: Sequence[str], title: str, y_title: str) -> go.Figure:
    """Box plots from box statistics computed in SQL (one box per row of `stats`)."""
    fig = go.Figure(
        go.Box(
            x=list(names),
            q1=stats["q1"],
            median=stats["median"],
            q3=stats["q3"],
            mean=stats["mean"],
            lowerfence=stats["lower_whisker"],
            upperfence=stats["upper_whisker"],
            boxpoints=False,
            marker_color=PALETTE[0],
            fillcolor=rgba(PALETTE[0], 0.35),
            name="",
        )
    )
    fig.update_layout(title=title, yaxis_title=y_title, height=420, showlegend=False)
    fig.add_hline(y=0, line=dict(color="#999", width=1, dash="dot"))
    return fig


def segment_box_grid(
    stats: pd.DataFrame,
    features: Sequence[str],
    segments: pd.DataFrame,
    colours: Mapping[int, str],
    labels: Mapping[str, str],
    transforms: Mapping[str, str],
    columns: int = 3,
    ticks: int = 6,
) -> go.Figure:
    """Per feature a panel, per segment a box (quartiles and Tukey whiskers from SQL; outliers not drawn)."""
    fig, rows, columns = _feature_panels(features, labels, transforms, columns, 0.07, 0.45)
    names = dict(zip(segments["segment_id"], segments["segment_name"], strict=True))
    for index, feature in enumerate(features):
        row, col = index // columns + 1, index % columns + 1
        data = stats[stats["feature"] == feature]
        transform = transforms.get(feature, "identity")
        for segment_id, name in names.items():
            box = data[data["segment_id"] == segment_id]
            if box.empty:
                continue
            box = box.iloc[0]
            colour = colours[int(segment_id)]
            hover = (
                f"{name}<br>median {fmt_num(original_value(box['median'], transform))}, "
                f"quartiles {fmt_num(original_value(box['q1'], transform))} – "
                f"{fmt_num(original_value(box['q3'], transform))}<br>"
                f"{int(box['outliers']):,} beyond the whiskers (not drawn)"
            )
            fig.add_trace(
                go.Box(
                    x=[name],
                    q1=[box["q1"]],
                    median=[box["median"]],
                    q3=[box["q3"]],
                    mean=[box["mean"]],
                    lowerfence=[box["lower_whisker"]],
                    upperfence=[box["upper_whisker"]],
                    boxpoints=False,
                    name=name,
                    legendgroup=name,
                    showlegend=index == 0,
                    marker_color=colour,
                    fillcolor=rgba(colour, 0.4),
                    line=dict(color=colour),
                    hovertext=hover,
                    hoverinfo="text",
                ),
                row=row,
                col=col,
            )
        if not data.empty:
            _axis_ticks(
                fig, "y", transform, data["lower_whisker"].min(), data["upper_whisker"].max(), row, col, ticks
            )
        fig.update_xaxes(showticklabels=False, row=row, col=col)
    fig.update_layout(
        height=280 * rows + 90, legend=dict(orientation="h", y=-0.04, x=0, yanchor="top"), margin=dict(b=40)
    )
    fig.update_annotations(font_size=12)
    return fig


def correlation_heatmap(
    pairs: pd.DataFrame, columns: Sequence[str], labels: Mapping[str, str], marked: set[str]
) -> go.Figure:
    """Pearson r between every pair; features the model used are marked with a bullet."""
    index = {column: i for i, column in enumerate(columns)}
    matrix = np.eye(len(columns))
    for a, b, r in pairs[["a", "b", "r"]].itertuples(index=False):
        value = np.nan if r is None or pd.isna(r) else float(r)
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = value
    names = [("● " if column in marked else "") + labels[column] for column in columns]
    text = [[("" if np.isnan(v) else f"{v:.2f}") for v in row] for row in matrix]
    size = len(columns)
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=names,
            y=names,
            zmin=-1,
            zmax=1,
            colorscale=DIVERGING,
            text=text,
            texttemplate="%{text}" if size <= 14 else None,
            hovertemplate="%{y} × %{x}: r = %{z:.2f}<extra></extra>",
            colorbar=dict(title="r", thickness=12),
        )
    )
    side = max(420, min(900, 60 + 34 * size))
    fig.update_layout(
        height=side + 80, yaxis=dict(autorange="reversed"), xaxis=dict(tickangle=-40), margin=dict(l=10, t=40)
    )
    return fig


# --- Model selection --------------------------------------------------------------------------------------

SELECTION_METRICS = [
    ("inertia", "Inertia (elbow) ↓"),
    ("silhouette", "Silhouette ↑"),
    ("calinski_harabasz", "Calinski–Harabasz ↑"),
    ("davies_bouldin", "Davies–Bouldin ↓"),
    ("bic", "BIC (Gaussian mixture) ↓"),
    ("prediction_strength", "Prediction strength ↑"),
    ("smallest_segment_share", "Smallest segment share ↑"),
    ("consensus_rank", "Consensus rank within k ↓"),
]


def selection_grid(candidates: pd.DataFrame, columns: int = 4) -> go.Figure:
    """Every criterion per k and algorithm. Filled markers: eligible; open: ineligible; ★: chosen."""
    metrics = [(m, t) for m, t in SELECTION_METRICS if m in candidates]
    rows, columns = _grid(len(metrics), columns)
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[t for _, t in metrics],
        horizontal_spacing=0.07,
        vertical_spacing=0.16,
    )
    chosen = candidates[candidates["is_selected"].astype(bool)]
    floor = candidates["stability_floor"].dropna()
    min_share = candidates["min_segment_share"].dropna()
    for index, (metric, _) in enumerate(metrics):
        row, col = index // columns + 1, index % columns + 1
        for algorithm, group in candidates.sort_values("k").groupby("algorithm", sort=True):
            data = group.dropna(subset=[metric])
            if data.empty:
                continue
            colour = ALGORITHM_COLORS.get(algorithm, "#555")
            # NULL: not judged (its stability could not change the choice, so it was not measured).
            judged = data["is_eligible"].notna()
            eligible = data["is_eligible"].fillna(True).astype(bool)
            hover = [
                f"{ALGORITHM_NAMES.get(algorithm, algorithm)}, k = {k}<br>{metric}: {fmt_num(v)}<br>"
                + (("eligible" if ok else f"ineligible: {reason}") if known else "not judged")
                for k, v, ok, known, reason in zip(
                    data["k"], data[metric], eligible, judged, data["ineligible_reason"], strict=True
                )
            ]
            fig.add_trace(
                go.Scatter(
                    x=data["k"],
                    y=data[metric],
                    mode="lines+markers",
                    name=ALGORITHM_NAMES.get(algorithm, algorithm),
                    legendgroup=algorithm,
                    showlegend=index == 0,
                    line=dict(color=colour, width=1.6),
                    marker=dict(
                        size=8,
                        color=[colour if ok else "white" for ok in eligible],
                        line=dict(color=colour, width=1.5),
                    ),
                    hovertext=hover,
                    hoverinfo="text",
                ),
                row=row,
                col=col,
            )
        if not chosen.empty and pd.notna(chosen[metric].iloc[0]):
            fig.add_trace(
                go.Scatter(
                    x=chosen["k"],
                    y=chosen[metric],
                    mode="markers",
                    name="chosen model",
                    legendgroup="chosen",
                    showlegend=index == 0,
                    hoverinfo="skip",
                    marker=dict(symbol="star", size=17, color="#FFC107", line=dict(color="#333", width=1)),
                ),
                row=row,
                col=col,
            )
        if metric == "prediction_strength" and len(floor):
            fig.add_hline(
                y=float(floor.iloc[0]),
                line=dict(color="#c0392b", dash="dash", width=1),
                row=row,
                col=col,
                annotation_text="floor",
                annotation_font_size=10,
                annotation_position="top left",
            )
        if metric == "smallest_segment_share" and len(min_share):
            fig.add_hline(
                y=float(min_share.iloc[0]),
                line=dict(color="#c0392b", dash="dash", width=1),
                row=row,
                col=col,
                annotation_text="minimum",
                annotation_font_size=10,
                annotation_position="top left",
            )
            fig.update_yaxes(tickformat=".0%", row=row, col=col)
        fig.update_xaxes(dtick=1, row=row, col=col)
    fig.update_layout(
        height=330 * rows + 60, legend=dict(orientation="h", y=1.08, x=0, yanchor="bottom"), margin=dict(t=90)
    )
    fig.update_annotations(font_size=12)
    return fig


def silhouette_plot(curves: pd.DataFrame, colours: Mapping[int, str], overall_mean: float) -> plt.Figure:
    """The classic silhouette plot, from per-segment quantiles computed in SQL: each segment's customers
    sorted by silhouette, band height proportional to the segment's size."""
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.55 * len(curves) + 2.2))
    total = curves["customers"].sum()
    gap = 0.02 * total
    y = 0.0
    for record in curves.sort_values("segment_id", ascending=False).itertuples(index=False):
        values = np.sort(np.asarray(record.curve, dtype=float))[::-1]
        heights = np.linspace(y, y + record.customers, len(values))
        colour = colours[int(record.segment_id)]
        ax.fill_betweenx(heights, 0, values, facecolor=colour, edgecolor=colour, alpha=0.75)
        ax.text(
            -0.02,
            y + record.customers / 2,
            f"{record.segment_name}\n{fmt_num(record.customers)} · mean {record.mean_silhouette:.2f}",
            ha="right",
            va="center",
            fontsize=9,
        )
        y += record.customers + gap
    ax.axvline(overall_mean, color="#c0392b", linestyle="--", linewidth=1)
    ax.text(overall_mean, y, f" mean {overall_mean:.2f}", color="#c0392b", va="bottom", fontsize=9)
    ax.axvline(0, color="#555", linewidth=0.8)
    ax.set_xlim(
        min(-0.1, float(np.nanmin(np.concatenate([np.asarray(c) for c in curves["curve"]]))) - 0.05), 1
    )
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("silhouette (centroid-based): 1 = deep inside its segment, < 0 = closer to another")
    ax.set_title("Silhouette per segment (customers sorted by silhouette)")
    fig.tight_layout()
    return fig


def dendrogram_plot(
    linkage_matrix: np.ndarray,
    segment_ids: np.ndarray,
    colours: Mapping[int, str],
    names: Mapping[int, str],
    k: int,
    leaves: int = 36,
) -> plt.Figure:
    """Ward dendrogram (truncated to its last `leaves` merges). Links below the cut into k clusters take
    the colour of the assigned segment most of their customers belong to; the strip below shows each
    leaf's majority segment."""
    from scipy.cluster.hierarchy import dendrogram

    n = len(segment_ids)
    order = sorted(colours)
    position = {segment: i for i, segment in enumerate(order)}
    counts = np.zeros((2 * n - 1, len(order)))
    counts[np.arange(n), [position[int(s)] for s in segment_ids]] = 1
    for i, (a, b, _, _) in enumerate(linkage_matrix):
        counts[n + i] = counts[int(a)] + counts[int(b)]
    heights = linkage_matrix[:, 2]
    cut = (heights[-(k - 1)] + heights[-k]) / 2 if 2 <= k <= len(heights) else heights.max() + 1

    def link_colour(node: int) -> str:
        if node >= n and heights[node - n] >= cut:
            return "#9aa5b1"
        return colours[order[int(np.argmax(counts[node]))]]

    fig, (ax, strip) = plt.subplots(2, 1, figsize=(11, 5.2), height_ratios=[7, 0.45], sharex=True)
    result = dendrogram(
        linkage_matrix,
        truncate_mode="lastp",
        p=leaves,
        link_color_func=link_colour,
        show_leaf_counts=True,
        leaf_rotation=90,
        leaf_font_size=8,
        ax=ax,
    )
    ax.axhline(cut, color="#c0392b", linestyle="--", linewidth=1)
    ax.text(
        ax.get_xlim()[1], cut, f" cut: {k} clusters", color="#c0392b", va="bottom", ha="right", fontsize=9
    )
    ax.set_ylabel("Ward merge distance")
    ax.set_title(f"Ward dendrogram on a sample of {n:,} customers (last {leaves} merges)")
    for i, leaf in enumerate(result["leaves"]):
        majority = order[int(np.argmax(counts[leaf]))]
        strip.add_patch(plt.Rectangle((10 * i, 0), 10, 1, color=colours[majority], linewidth=0))
    strip.set_ylim(0, 1)
    strip.set_yticks([])
    strip.set_xticks([])
    for side in ("left", "bottom"):
        strip.spines[side].set_visible(False)
    strip.set_xlabel("leaf colour: the assigned segment most of its customers belong to", fontsize=9)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[s]) for s in order]
    ax.legend(handles, [names[s] for s in order], loc="upper right", fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


# --- Separation -------------------------------------------------------------------------------------------


def projection_scatter(
    points: pd.DataFrame,
    centroids: pd.DataFrame | None,
    colours: Mapping[int, str],
    title: str,
    x_title: str,
    y_title: str,
    arrows: pd.DataFrame | None = None,
    height: int = 600,
) -> go.Figure:
    """Sampled customers (columns x, y, segment_id, segment_name, customer_id) coloured by segment, with
    the segment centroids (x, y, segment_id, segment_name) and optional loading arrows (x, y, label)."""
    fig = go.Figure()
    for segment_id, group in points.groupby("segment_id", sort=True):
        colour = colours[int(segment_id)]
        fig.add_trace(
            go.Scatter(
                x=group["x"],
                y=group["y"],
                mode="markers",
                name=group["segment_name"].iloc[0],
                marker=dict(color=colour, size=5, opacity=0.55, line=dict(width=0)),
                hovertext="customer " + group["customer_id"].astype(str),
                hoverinfo="text+name",
            )
        )
    if centroids is not None and len(centroids):
        fig.add_trace(
            go.Scatter(
                x=centroids["x"],
                y=centroids["y"],
                mode="markers",
                name="segment centre",
                marker=dict(
                    symbol="diamond",
                    size=16,
                    color=[colours[int(s)] for s in centroids["segment_id"]],
                    line=dict(color="#111", width=2),
                ),
                hovertext=centroids["segment_name"],
                hoverinfo="text",
            )
        )
        for record in centroids.itertuples(index=False):
            fig.add_annotation(
                x=record.x,
                y=record.y,
                text=f"<b>{record.segment_name}</b>",
                showarrow=False,
                yshift=18,
                bgcolor="rgba(255,255,255,0.85)",
                bordercolor=colours[int(record.segment_id)],
                borderwidth=1,
                font=dict(size=11),
            )
    if arrows is not None:
        for record in arrows.itertuples(index=False):
            fig.add_annotation(
                x=record.x,
                y=record.y,
                ax=0,
                ay=0,
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=2,
                arrowwidth=1.2,
                arrowcolor="#555",
                text="",
            )
            fig.add_annotation(
                x=record.x,
                y=record.y,
                text=record.label,
                showarrow=False,
                font=dict(size=10, color="#333"),
                xanchor="left" if record.x >= 0 else "right",
                yshift=6,
            )
    fig.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=height,
        legend=dict(itemsizing="constant"),
    )
    fig.update_xaxes(zeroline=False)
    fig.update_yaxes(zeroline=False)
    return fig


def pair_plot(
    points: pd.DataFrame,
    features: Sequence[str],
    labels: Mapping[str, str],
    colours: Mapping[int, str] | None,
    height: int = 720,
) -> go.Figure:
    """Scatter matrix (lower triangle) of the given standardized columns (<feature>_z), coloured by
    segment when `colours` is given, else in one colour."""
    fig = go.Figure()
    groups = points.groupby("segment_id", sort=True) if colours else [(None, points)]
    for segment_id, group in groups:
        colour = colours[int(segment_id)] if colours else PALETTE[0]
        fig.add_trace(
            go.Splom(
                dimensions=[dict(label=labels[f], values=group[f + "_z"]) for f in features],
                name=group["segment_name"].iloc[0] if colours else "customers",
                showupperhalf=False,
                diagonal_visible=False,
                showlegend=bool(colours),
                marker=dict(color=colour, size=3.5, opacity=0.5 if colours else 0.35, line=dict(width=0)),
            )
        )
    fig.update_layout(
        height=height,
        legend=dict(itemsizing="constant", orientation="h", y=1.02, x=0, yanchor="bottom"),
        margin=dict(t=60),
        dragmode="zoom",
    )
    return fig


def overlaid_histograms(
    bins: pd.DataFrame,
    features: Sequence[str],
    segments: pd.DataFrame,
    colours: Mapping[int, str],
    labels: Mapping[str, str],
    transforms: Mapping[str, str],
    columns: int = 2,
    ticks: int = 6,
) -> go.Figure:
    """Per feature, each segment's distribution (share of the segment per bin) as a line."""
    fig, rows, columns = _feature_panels(features, labels, transforms, columns, 0.08, 0.3)
    names = dict(zip(segments["segment_id"], segments["segment_name"], strict=True))
    for index, feature in enumerate(features):
        row, col = index // columns + 1, index % columns + 1
        data = bins[bins["feature"] == feature]
        transform = transforms.get(feature, "identity")
        for segment_id, name in names.items():
            part = data[data["segment_id"] == segment_id].sort_values("bin")
            if part.empty:
                continue
            colour = colours[int(segment_id)]
            fig.add_trace(
                go.Scatter(
                    x=(part["low"] + part["high"]) / 2,
                    y=100 * part["share"],
                    mode="lines",
                    name=name,
                    legendgroup=name,
                    showlegend=index == 0,
                    line=dict(color=colour, width=2, shape="hvh"),
                    fill="tozeroy",
                    fillcolor=rgba(colour, 0.15),
                ),
                row=row,
                col=col,
            )
        if not data.empty:
            _axis_ticks(fig, "x", transform, data["low"].min(), data["high"].max(), row, col, ticks)
            fig.update_xaxes(range=[data["low"].min(), data["high"].max()], row=row, col=col)
        fig.update_yaxes(ticksuffix="%", row=row, col=col)
    fig.update_layout(height=300 * rows + 80, legend=dict(orientation="h", y=1.04, x=0, yanchor="bottom"))
    fig.update_annotations(font_size=12)
    return fig


# --- Profiles ---------------------------------------------------------------------------------------------


def size_bars(segments: pd.DataFrame, colours: Mapping[int, str], height: int | None = None) -> go.Figure:
    data = segments.sort_values("segment_id", ascending=False)
    fig = go.Figure(
        go.Bar(
            y=data["segment_name"],
            x=data["customers"],
            orientation="h",
            marker_color=[colours[int(s)] for s in data["segment_id"]],
            text=[
                f"{int(n):,} ({100 * s:.1f}%)"
                for n, s in zip(data["customers"], data["customer_share"], strict=True)
            ],
            textposition="auto",
            hovertemplate="%{y}: %{x:,} customers<extra></extra>",
        )
    )
    fig.update_layout(
        title="Customers per segment",
        xaxis_title="customers",
        height=height or 110 + 46 * len(data),
        margin=dict(l=10),
    )
    fig.update_yaxes(automargin=True)
    return fig


def lift_heatmap(
    lifts: pd.DataFrame,
    features: Sequence[str],
    segments: pd.DataFrame,
    labels: Mapping[str, str],
    height: int | None = None,
) -> go.Figure:
    """Segments x features: the segment's mean standardized value (z-score lift vs all customers)."""
    table = lifts.pivot(index="segment_id", columns="feature", values="centroid_z")
    table = table.reindex(index=segments["segment_id"], columns=list(features))
    limit = max(1.0, math.ceil(float(np.nanmax(np.abs(table.to_numpy()))) * 2) / 2)
    names = [
        f"{n} ({100 * s:.0f}%)"
        for n, s in zip(segments["segment_name"], segments["customer_share"], strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=[wrap(labels[f]) for f in features],
            y=names,
            zmin=-limit,
            zmax=limit,
            colorscale=DIVERGING,
            text=[[fmt_z(v) for v in row] for row in table.to_numpy()],
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: z %{z:+.2f}<extra></extra>",
            colorbar=dict(title="z lift", thickness=12),
        )
    )
    fig.update_layout(
        title="Z-score lift: each segment against all customers",
        yaxis=dict(autorange="reversed"),
        height=height or 160 + 52 * len(names),
        margin=dict(l=10),
        xaxis=dict(tickangle=-30 if len(features) > 6 else 0),
    )
    fig.update_yaxes(automargin=True)
    return fig


def snake_plot(
    lifts: pd.DataFrame,
    features: Sequence[str],
    segments: pd.DataFrame,
    colours: Mapping[int, str],
    labels: Mapping[str, str],
    height: int = 420,
) -> go.Figure:
    fig = go.Figure()
    for record in segments.itertuples(index=False):
        part = lifts[lifts["segment_id"] == record.segment_id].set_index("feature").reindex(list(features))
        fig.add_trace(
            go.Scatter(
                x=[wrap(labels[f]) for f in features],
                y=part["centroid_z"],
                mode="lines+markers",
                name=record.segment_name,
                line=dict(color=colours[int(record.segment_id)], width=2.5),
                marker=dict(size=8),
                hovertemplate="%{x}: z %{y:+.2f}<extra>" + record.segment_name + "</extra>",
            )
        )
    fig.add_hline(y=0, line=dict(color="#777", width=1, dash="dot"))
    fig.update_layout(
        title="Snake plot: standardized feature means per segment",
        yaxis_title="z-score lift",
        height=height,
        legend=dict(orientation="h", y=-0.18, x=0, yanchor="top"),
    )
    return fig


def radar_grid(
    lifts: pd.DataFrame,
    features: Sequence[str],
    segments: pd.DataFrame,
    colours: Mapping[int, str],
    labels: Mapping[str, str],
    columns: int = 3,
    panel_height: int = 330,
) -> go.Figure:
    """One radar per segment over the standardized feature means; the dotted ring is the all-customer mean."""
    rows, columns = _grid(len(segments), columns)
    fig = make_subplots(
        rows=rows,
        cols=columns,
        specs=[[{"type": "polar"}] * columns] * rows,
        subplot_titles=list(segments["segment_name"]),
        horizontal_spacing=0.12,
        vertical_spacing=0.16 if rows > 1 else 0.1,
    )
    limit = max(1.0, math.ceil(float(lifts["centroid_z"].abs().max()) * 2) / 2)
    theta = [labels[f] for f in features] + [labels[features[0]]]
    for index, record in enumerate(segments.itertuples(index=False)):
        row, col = index // columns + 1, index % columns + 1
        part = lifts[lifts["segment_id"] == record.segment_id].set_index("feature").reindex(list(features))
        values = part["centroid_z"].fillna(0).tolist()
        colour = colours[int(record.segment_id)]
        fig.add_trace(
            go.Scatterpolar(
                r=[0] * len(theta),
                theta=theta,
                mode="lines",
                line=dict(color="#888", dash="dot", width=1),
                showlegend=False,
                hoverinfo="skip",
            ),
            row=row,
            col=col,
        )
        fig.add_trace(
            go.Scatterpolar(
                r=values + values[:1],
                theta=theta,
                fill="toself",
                fillcolor=rgba(colour, 0.3),
                line=dict(color=colour, width=2),
                name=record.segment_name,
                showlegend=False,
                hovertemplate="%{theta}: z %{r:+.2f}<extra>" + record.segment_name + "</extra>",
            ),
            row=row,
            col=col,
        )
    fig.update_polars(
        radialaxis=dict(
            range=[-limit, limit],
            dtick=1,
            tickfont=dict(size=8, color="#888"),
            angle=90,
            tickangle=90,
            gridcolor="#e4e7eb",
        ),
        angularaxis=dict(tickfont=dict(size=10)),
    )
    fig.update_layout(height=panel_height * rows + 60, margin=dict(t=70, l=70, r=70))
    fig.update_annotations(yshift=18, font_size=13)
    return fig


def hbar(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    x_title: str,
    text: Sequence[str] | None = None,
    colour: str = PALETTE[0],
    height: int | None = None,
) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            y=list(labels),
            x=list(values),
            orientation="h",
            marker_color=colour,
            text=text,
            textposition="auto",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        xaxis_title=x_title,
        height=height or 120 + 34 * len(labels),
        yaxis=dict(autorange="reversed"),
        margin=dict(l=10),
    )
    fig.update_yaxes(automargin=True)
    return fig


def score_heatmap(frame: pd.DataFrame, x: str, y: str, value: str, title: str) -> go.Figure:
    table = frame.pivot_table(index=y, columns=x, values=value, aggfunc="sum").sort_index(ascending=False)
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=[str(c) for c in table.columns],
            y=[str(i) for i in table.index],
            colorscale="Blues",
            texttemplate="%{z:,}",
            colorbar=dict(thickness=12),
            hovertemplate=f"{x} %{{x}}, {y} %{{y}}: %{{z:,}}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title, xaxis_title=x.replace("_", " "), yaxis_title=y.replace("_", " "), height=420
    )
    return fig


def funnel(stages: Sequence[str], values: Sequence[int], title: str) -> go.Figure:
    fig = go.Figure(
        go.Funnel(
            y=list(stages),
            x=list(values),
            textinfo="value+percent initial",
            marker=dict(color=PALETTE[: len(stages)]),
        )
    )
    fig.update_layout(title=title, height=120 + 70 * len(stages))
    return fig


# --- Lifecycle --------------------------------------------------------------------------------------------

PSI_COLOURS = {"stable": "#54A24B", "moderate": "#F2A93B", "large": "#E45756", "unknown": "#9aa5b1"}


def run_history(runs: pd.DataFrame, height: int = 380) -> go.Figure:
    """Per run (columns run, run_started_at, model_version, is_new_model_version, new_customers,
    customers_moved, customers_gone, far_from_centroids_share): the changes as stacked bars and the share
    of customers far from every centroid as a line on the right axis; runs that trained a version marked."""
    labels = [
        f"run {int(r)}<br>{t:%m-%d %H:%M}" for r, t in zip(runs["run"], runs["run_started_at"], strict=True)
    ]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for column, name, colour in (
        ("new_customers", "new", PALETTE[0]),
        ("customers_moved", "moved", PALETTE[1]),
        ("customers_gone", "gone", "#9aa5b1"),
    ):
        fig.add_trace(
            go.Bar(
                x=labels,
                y=runs[column],
                name=name,
                marker_color=colour,
                hovertemplate="%{x}: %{y:,} " + name + "<extra></extra>",
            ),
            secondary_y=False,
        )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=100 * runs["far_from_centroids_share"],
            name="far from every centroid (right axis)",
            mode="lines+markers",
            line=dict(color=PALETTE[3], width=2),
            hovertemplate="%{x}: %{y:.1f}% far from every centroid<extra></extra>",
        ),
        secondary_y=True,
    )
    for label, version, trained in zip(
        labels, runs["model_version"], runs["is_new_model_version"], strict=True
    ):
        if bool(trained):
            fig.add_annotation(
                x=label,
                y=1.0,
                yref="paper",
                text=f"v{int(version)} trained",
                showarrow=False,
                yanchor="bottom",
                font=dict(size=11, color="#2f6db3"),
            )
    fig.update_layout(
        barmode="stack",
        height=height,
        margin=dict(t=70),
        title="Changes per run",
        legend=dict(orientation="h", y=-0.2, x=0, yanchor="top", traceorder="normal"),
    )
    fig.update_yaxes(title_text="customers", secondary_y=False)
    fig.update_yaxes(
        title_text="far from every centroid",
        ticksuffix="%",
        tickformat=".3~g",
        tickmode="auto",
        nticks=6,
        rangemode="tozero",
        showgrid=False,
        secondary_y=True,
    )
    return fig


def migration_heatmap(
    counts: pd.DataFrame, title: str, height: int | None = None, row_share: bool = True
) -> go.Figure:
    """From (rows) -> to (columns) customers: the count in each cell, coloured by its share of the row
    (where the customers of a from-segment went), so that staying on the diagonal reads as dark."""
    values = counts.to_numpy(dtype=float)
    totals = values.sum(axis=1, keepdims=True)
    shares = np.divide(values, totals, out=np.zeros_like(values), where=totals > 0)
    text = [
        [("" if v == 0 else f"{int(v):,}<br>{100 * s:.1f}%") for v, s in zip(row, share_row, strict=True)]
        for row, share_row in zip(values, shares, strict=True)
    ]
    hover = [
        [
            f"{counts.index[i]} → {counts.columns[j]}: {int(values[i, j]):,} customers "
            f"({100 * shares[i, j]:.1f}% of the row)"
            for j in range(values.shape[1])
        ]
        for i in range(values.shape[0])
    ]
    fig = go.Figure(
        go.Heatmap(
            z=100 * shares if row_share else values,
            x=list(counts.columns),
            y=list(counts.index),
            zmin=0,
            zmax=100 if row_share else None,
            colorscale="Blues",
            text=text,
            texttemplate="%{text}",
            hovertext=hover,
            hoverinfo="text",
            colorbar=dict(title="% of row", thickness=12),
            xgap=2,
            ygap=2,
        )
    )
    fig.update_layout(
        title=title,
        height=height or 170 + 48 * len(counts),
        yaxis=dict(autorange="reversed", title="at the previous run"),
        xaxis=dict(title="at the latest run", side="bottom"),
        margin=dict(l=10),
    )
    fig.update_yaxes(automargin=True)
    return fig


def psi_bars(
    drift: pd.DataFrame, labels: Mapping[str, str], readings: Sequence[str], threshold: float, height=None
) -> go.Figure:
    """Population stability index per feature (largest first), coloured by its reading, with the drift
    threshold as a dashed line and the 0.1 'moderate' mark as a dotted one."""
    names = [labels.get(f, f) for f in drift["feature"]]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=drift["psi"],
            orientation="h",
            marker_color=[PSI_COLOURS.get(r, "#999") for r in readings],
            text=[f"{p:.3f} · {r}" for p, r in zip(drift["psi"], readings, strict=True)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: PSI %{x:.3f}<extra></extra>",
        )
    )
    top = max(float(drift["psi"].max()) if len(drift) else 0.0, threshold) * 1.3
    fig.add_vline(x=0.1, line=dict(color="#999", width=1, dash="dot"))
    fig.add_vline(
        x=threshold,
        line=dict(color=PSI_COLOURS["large"], width=2, dash="dash"),
        annotation_text=f"threshold {threshold:g}",
        annotation_position="top",
        annotation_font=dict(size=11, color=PSI_COLOURS["large"]),
    )
    fig.update_layout(
        title="Population stability index per feature (today against training)",
        xaxis=dict(title="PSI", range=[0, top]),
        yaxis=dict(autorange="reversed"),
        height=height or 140 + 34 * len(names),
        margin=dict(l=10, t=70),
        showlegend=False,
    )
    fig.update_yaxes(automargin=True)
    return fig


def segment_drift_figure(
    drift: pd.DataFrame, labels: Sequence[str], colours: Sequence[str], far_threshold: float, height=None
) -> go.Figure:
    """Per segment: share of customers at training against now (left), share of its customers far from
    every centroid against the threshold (right)."""
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.05,
        subplot_titles=["Share of customers: at training and now", "Far from every centroid"],
    )
    fig.add_trace(
        go.Bar(
            y=list(labels),
            x=100 * drift["training_share"],
            orientation="h",
            name="at training",
            marker=dict(color=[rgba(c, 0.35) for c in colours], line=dict(color=list(colours), width=1)),
            hovertemplate="%{y}: %{x:.1f}% at training<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            y=list(labels),
            x=100 * drift["customer_share"],
            orientation="h",
            name="now",
            marker_color=list(colours),
            text=[f"{100 * s:.1f}%" for s in drift["customer_share"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.1f}% now<extra></extra>",
        ),
        row=1,
        col=1,
    )
    over = drift["far_from_centroids_share"] > far_threshold
    fig.add_trace(
        go.Bar(
            y=list(labels),
            x=100 * drift["far_from_centroids_share"],
            orientation="h",
            name="far from every centroid",
            marker_color=[PSI_COLOURS["large"] if o else "#9aa5b1" for o in over],
            text=[f"{100 * s:.1f}%" for s in drift["far_from_centroids_share"]],
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
            hovertemplate="%{y}: %{x:.1f}% of the segment far from every centroid<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.add_vline(
        x=100 * far_threshold,
        line=dict(color=PSI_COLOURS["large"], width=2, dash="dash"),
        annotation_text=f"threshold {100 * far_threshold:g}%",
        annotation_position="bottom right",
        annotation_font=dict(size=11, color=PSI_COLOURS["large"]),
        row=1,
        col=2,
    )
    far_top = max(float(drift["far_from_centroids_share"].max()), far_threshold) * 100 * 1.35
    share_top = float(max(drift["training_share"].max(), drift["customer_share"].max())) * 100 * 1.2
    fig.update_xaxes(ticksuffix="%", range=[0, share_top], row=1, col=1)
    fig.update_xaxes(ticksuffix="%", range=[0, far_top], row=1, col=2)
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(
        barmode="group",
        height=height or 150 + 56 * len(labels),
        margin=dict(l=10, t=60),
        legend=dict(orientation="h", y=-0.12, x=0, yanchor="top"),
    )
    return fig


def centroid_shift_figure(
    shifts: pd.DataFrame,
    moves: pd.DataFrame,
    features: Sequence[str],
    segment_labels: Mapping[int, str],
    feature_labels: Mapping[str, str],
    threshold: float,
    height: int | None = None,
) -> go.Figure:
    """At the last retrain: per segment, how far its centre moved (bars, threshold dashed; new segments
    noted), and per segment and feature the move in standardized units (heatmap, hover in own units)."""
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.3, 0.7],
        horizontal_spacing=0.04,
        subplot_titles=["Centre moved (distance)", "Move per feature (z, current version's scale)"],
    )
    ids = list(shifts["segment_id"])
    names = [segment_labels[int(s)] for s in ids]
    values = shifts["centroid_shift"]
    fig.add_trace(
        go.Bar(
            y=names,
            x=values.fillna(0),
            orientation="h",
            marker_color=[PSI_COLOURS["large"] if v > threshold else PALETTE[0] for v in values.fillna(0)],
            text=["new segment" if pd.isna(v) else f"{v:.2f}" for v in values],
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
            hovertemplate="%{y}: moved %{x:.2f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_vline(
        x=threshold,
        line=dict(color=PSI_COLOURS["large"], width=2, dash="dash"),
        annotation_text=f"threshold {threshold:g}",
        annotation_position="bottom right",
        annotation_font=dict(size=11, color=PSI_COLOURS["large"]),
        row=1,
        col=1,
    )
    top = max(float(values.max()) if values.notna().any() else 0.0, threshold) * 1.45
    fig.update_xaxes(range=[0, top], row=1, col=1)
    if len(moves):
        table = moves.pivot(index="segment_id", columns="feature", values="delta_z").reindex(
            index=ids, columns=list(features)
        )
        before = moves.pivot(index="segment_id", columns="feature", values="value_previous").reindex(
            index=ids, columns=list(features)
        )
        after = moves.pivot(index="segment_id", columns="feature", values="value").reindex(
            index=ids, columns=list(features)
        )
        matrix = table.to_numpy(dtype=float)
        limit = (
            max(0.5, math.ceil(float(np.nanmax(np.abs(matrix))) * 2) / 2) if np.isfinite(matrix).any() else 1
        )
        hover = [
            [
                f"{names[i]}, {feature_labels.get(f, f)}: "
                + (
                    "new segment"
                    if np.isnan(matrix[i, j])
                    else f"{fmt_num(before.iloc[i, j])} → {fmt_num(after.iloc[i, j])} "
                    f"({fmt_z(matrix[i, j])} z)"
                )
                for j, f in enumerate(features)
            ]
            for i in range(len(ids))
        ]
        fig.add_trace(
            go.Heatmap(
                z=matrix,
                x=[wrap(feature_labels.get(f, f)) for f in features],
                y=names,
                zmin=-limit,
                zmax=limit,
                colorscale=DIVERGING,
                text=[
                    ["" if np.isnan(v) else fmt_z(0.0 if abs(v) < 0.005 else v) for v in row]
                    for row in matrix
                ],
                texttemplate="%{text}",
                hovertext=hover,
                hoverinfo="text",
                colorbar=dict(title="Δ z", thickness=12),
                xgap=2,
                ygap=2,
            ),
            row=1,
            col=2,
        )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_layout(height=height or 170 + 50 * len(ids), margin=dict(l=10, t=60))
    return fig
