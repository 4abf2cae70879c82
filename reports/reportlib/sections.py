"""Report sections used by more than one notebook: each runs its SQL and shows its figure."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from reportlib import figures as fg
from reportlib import sqlgen
from reportlib.warehouse import Warehouse, quote

# Names the transaction, event and coupon inputs give their customer-level columns.
COUNTRY_COLUMNS = ("main_country", "country")
FUNNEL_STAGES = (
    ("view_count", "viewed a product"),
    ("cart_count", "added to cart"),
    ("purchase_count", "purchased"),
)


def scale_of(wh: Warehouse, table: str, features: Sequence[str]) -> tuple[dict, dict]:
    """Transform and outlier fences per feature: from feature_summary where the feature is there, else
    log1p for a skewed non-negative column and quartiles -/+ 3 IQR on that scale, computed in SQL."""
    summary = wh.feature_summary.set_index("feature")
    transforms, fences, unknown = {}, {}, []
    for feature in features:
        if feature in summary.index and {"transform", "lower_fence", "upper_fence"} <= set(summary.columns):
            transforms[feature] = str(summary.loc[feature, "transform"])
            fences[feature] = (summary.loc[feature, "lower_fence"], summary.loc[feature, "upper_fence"])
        else:
            unknown.append(feature)
    for feature in unknown:
        column = quote(feature)
        shape = wh.sql(
            f"select min({column}) as low, skewness({column}::double) as skew "
            f"from {table} where {column} is not null"
        ).iloc[0]
        transforms[feature] = (
            "log1p" if pd.notna(shape["low"]) and shape["low"] >= 0 and shape["skew"] > 1 else "identity"
        )
        value = sqlgen.transformed(f"{column}::double", transforms[feature])
        quartiles = wh.sql(
            f"select quantile_cont({value}, 0.25) as q1, quantile_cont({value}, 0.75) as q3 from {table} "
            f"where {column} is not null"
        ).iloc[0]
        spread = (quartiles["q3"] - quartiles["q1"]) if pd.notna(quartiles["q1"]) else None
        fences[feature] = (
            (quartiles["q1"] - 3 * spread, quartiles["q3"] + 3 * spread) if spread else (None, None)
        )
    return transforms, fences


def distributions(
    wh: Warehouse,
    table: str,
    features: Sequence[str],
    columns: int = 3,
    width: int | None = None,
    panel_height: int = 250,
    ticks: int = 6,
) -> None:
    """Histogram and density per feature, binned in DuckDB over every row of `table`."""
    transforms, fences = scale_of(wh, table, features)
    bins = wh.sql(sqlgen.histogram_sql(table, features, transforms, fences))
    labels = {feature: wh.label(feature) for feature in features}
    figure = fg.histogram_grid(
        bins, features, labels, transforms, columns=columns, panel_height=panel_height, ticks=ticks
    )
    fg.show(figure, width=width)


def coupon_features(wh: Warehouse) -> list[str]:
    """Features about discounts or coupons (in any input), by name."""
    return [f for f in wh.standardized_features if "coupon" in f or "discount" in f]


def coupon_affinity(wh: Warehouse) -> pd.DataFrame:
    """Per segment: the mean z-score over the discount and coupon features (affinity) and, when a count of
    discounts or redemptions exists, the share of the segment's customers who used one. Empty without
    such features."""
    chosen = coupon_features(wh)
    if not chosen:
        return pd.DataFrame(columns=["segment_id", "affinity", "used_share"])
    counts = [f for f in chosen if "count" in f or f.endswith("redemptions")]
    affinity = " + ".join(f"avg({quote(f + '_z')})" for f in chosen)
    used = f"avg(({quote(counts[0])} > 0)::integer)" if counts else "null::double"
    return wh.sql(
        f"""
        select
            customer_segments.segment_id,
            ({affinity}) / {len(chosen)} as affinity,
            {used} as used_share
        from customer_features
        inner join customer_segments on customer_features.customer_id = customer_segments.customer_id
        group by all
        order by customer_segments.segment_id
        """
    )


def coupon_strategy(affinity: float, used_share: float | None) -> str:
    """A coupon strategy from the segment's discount and coupon affinity (mean z-score)."""
    used = "" if used_share is None or pd.isna(used_share) else f"; {100 * used_share:.0f}% used at least one"
    if affinity >= 0.5:
        return (
            f"Coupon-driven (discount affinity z {affinity:+.2f}{used}). Keep coupons, but targeted: "
            "personal "
            "offers on what they already buy, a discount floor to protect margin, and a test of smaller "
            "discounts or loyalty points against a control group."
        )
    if affinity <= -0.5:
        return (
            f"Pays full price (discount affinity z {affinity:+.2f}{used}). Send no coupons, they would only "
            "give margin away; use non-price levers such as early access, loyalty perks and service."
        )
    return (
        f"Average coupon response (discount affinity z {affinity:+.2f}{used}). Use coupons sparingly and "
        "only after a test against a control group shows they add sales."
    )


def persona_cards(
    wh: Warehouse,
    profiles: pd.DataFrame,
    lifts: pd.DataFrame,
    examples: pd.DataFrame,
    max_bars: int = 8,
    title: str | None = None,
) -> None:
    """One card per segment from segment_profiles, segment_centroids and the customers closest to each
    centre."""
    from reportlib import html as h

    colours = fg.segment_colors(profiles["segment_id"])
    coupons = coupon_affinity(wh).set_index("segment_id")
    markup = []
    for record in profiles.itertuples(index=False):
        part = lifts[lifts["segment_id"] == record.segment_id].copy()
        part["strength"] = part["centroid_z"].abs()
        part = part.sort_values("strength", ascending=False)
        traits = []
        for row in part.head(3).itertuples(index=False):
            names = wh.labels.get(row.feature, {})
            side = "high_label" if row.centroid_z >= 0 else "low_label"
            text = (
                names.get(side)
                if isinstance(names.get(side), str)
                else f"{'High' if row.centroid_z >= 0 else 'Low'} {wh.label(row.feature).lower()}"
            )
            traits.append(f"{text} ({row.centroid_z:+.2f})")
        bars = {wh.label(row.feature): row.centroid_z for row in part.head(max_bars).itertuples(index=False)}
        typical = [
            f"{wh.label(row.feature)}: {h.fmt_num(row.median_value)} "
            f"(all customers: {h.fmt_num(row.overall_median_value)})"
            for row in part.head(3).itertuples(index=False)
        ]
        coupon = None
        if record.segment_id in coupons.index:
            coupon = coupon_strategy(
                coupons.loc[record.segment_id, "affinity"], coupons.loc[record.segment_id, "used_share"]
            )
        ids = examples.loc[examples["segment_id"] == record.segment_id, "customer_id"].astype(str).tolist()
        markup.append(
            h.persona_card(
                record.segment_name,
                colours[int(record.segment_id)],
                record.customers,
                record.customer_share,
                record.segment_description,
                traits,
                bars,
                typical,
                record.suggested_action,
                coupon,
                ids,
                bool(record.is_catalogue_persona),
            )
        )
    h.cards(markup, title)


def input_counts(wh: Warehouse) -> pd.DataFrame:
    """Per input: rows read, accepted and rejected (the mart input_quality)."""
    counts = wh.sql(
        """
        select
            input_name,
            sum(row_count) as rows_read,
            coalesce(sum(row_count) filter (where is_accepted), 0) as rows_accepted,
            coalesce(sum(row_count) filter (where not is_accepted), 0) as rows_rejected
        from input_quality
        group by all
        having sum(row_count) > 0
        order by rows_read desc
        """
    )
    counts["rejected_share"] = counts["rows_rejected"] / counts["rows_read"]
    return counts


def pca_projection(wh: Warehouse, features: Sequence[str], per_segment: int) -> dict:
    """Principal axes from the covariance matrix of the standardized features over all customers (SQL),
    a per-segment sample of customers and the segment centres projected onto the first two."""
    import numpy as np

    from reportlib.warehouse import stratified_sample_sql

    z_columns = [f + "_z" for f in features]
    moments = wh.sql(sqlgen.covariance_sql("customer_features", z_columns)).iloc[0]
    size = len(z_columns)
    means = np.array([moments[f"mean_{i}"] for i in range(size)], dtype=float)
    covariance = np.zeros((size, size))
    for i in range(size):
        for j in range(i, size):
            covariance[i, j] = covariance[j, i] = moments[f"cov_{i}_{j}"]
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = np.clip(eigenvalues[order], 0, None), eigenvectors[:, order]
    # Orient each axis so that its largest loading is positive: the picture does not flip between runs.
    eigenvectors *= np.sign(eigenvectors[np.abs(eigenvectors).argmax(axis=0), range(size)])
    explained = eigenvalues / eigenvalues.sum() if eigenvalues.sum() > 0 else eigenvalues
    axes = eigenvectors[:, :2] if size >= 2 else np.hstack([eigenvectors, np.zeros((size, 1))])

    columns = ", ".join(["customer_id", "segment_id", "segment_name"] + [quote(c) for c in z_columns])
    points = wh.sql(
        stratified_sample_sql(
            "customer_features inner join customer_segments using (customer_id)", columns, per_segment
        )
    )
    projected = (points[z_columns].to_numpy(dtype=float) - means) @ axes
    points["x"], points["y"] = projected[:, 0], projected[:, 1]

    centres = wh.sql(
        "select segment_id, segment_name, feature, centroid_z from segment_centroids"
    ).pivot_table(index=["segment_id", "segment_name"], columns="feature", values="centroid_z")[
        list(features)
    ]
    centre_xy = (centres.to_numpy(dtype=float) - means) @ axes
    centres = centres.reset_index()[["segment_id", "segment_name"]].assign(
        x=centre_xy[:, 0], y=centre_xy[:, 1]
    )

    loadings = pd.DataFrame({"feature": list(features), "x": axes[:, 0], "y": axes[:, 1]})
    loadings["norm"] = np.hypot(loadings["x"], loadings["y"])
    loadings = loadings.nlargest(min(6, len(loadings)), "norm")
    reach = 0.85 * np.abs(projected).max(axis=0).min() / max(loadings["norm"].max(), 1e-9)
    arrows = pd.DataFrame(
        {
            "x": loadings["x"] * reach,
            "y": loadings["y"] * reach,
            "label": [wh.label(f) for f in loadings["feature"]],
        }
    )

    def title(index: int) -> str:
        top = np.argsort(-np.abs(axes[:, index]))[:2]
        drivers = ", ".join(f"{wh.label(features[i])} {'+' if axes[i, index] > 0 else '−'}" for i in top)
        return f"PC{index + 1}: {explained[index]:.0%} of variance ({drivers})"

    return {
        "points": points,
        "centres": centres,
        "arrows": arrows,
        "x_title": title(0),
        "y_title": title(1) if size >= 2 else "PC2",
        "explained": explained,
    }
