"""SQL whose shape follows the features present: histograms, box statistics, correlations, covariances.

Each function returns one query; the aggregation runs in DuckDB over every customer, and only the small
result (bins, quartiles, a k x k matrix) reaches Python.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlib.warehouse import literal, quote


def transformed(expression: str, transform: str) -> str:
    """The value on the scale the model used: log1p for skewed counts and amounts, else as it is."""
    if transform == "log1p":
        return f"ln(1 + greatest({expression}, 0))"
    return expression


def _long_values(source: str, features: Sequence[str], transforms: dict[str, str], key: str = "") -> str:
    """One row per (row of `source`, feature): the value `raw` and on the model's scale `t`. `key` (e.g.
    segment_id) is carried along when given."""
    carried = f"{key}, " if key else ""
    parts = [
        f"select {carried}{literal(feature)} as feature, {quote(feature)}::double as raw, "
        f"{transformed(quote(feature) + '::double', transforms.get(feature, 'identity'))} as t "
        f"from {source} where {quote(feature)} is not null"
        for feature in features
    ]
    return "\n        union all\n        ".join(parts)


def _fences(fences: dict[str, tuple[float | None, float | None]]) -> str:
    rows = ", ".join(
        f"({literal(feature)}, {_number(low)}, {_number(high)})" for feature, (low, high) in fences.items()
    )
    return f"select * from (values {rows}) as fences (feature, lower_fence, upper_fence)"


def _number(value: float | None) -> str:
    if value is None or value != value:  # NaN
        return "null::double"
    return f"{float(value)!r}::double"


def histogram_sql(
    source: str,
    features: Sequence[str],
    transforms: dict[str, str],
    fences: dict[str, tuple[float | None, float | None]],
    bins: int = 40,
    by_segment: bool = False,
) -> str:
    """Equal-width bins on the model's scale over the middle 99.8% of values, within the outlier fences
    (values beyond count in the end bins; the model clipped those beyond a fence). For a whole-number
    feature (a count) a bin that cannot hold any whole number is merged into the bin before it, so that a
    log axis shows no comb of empty bins.
    Columns: [segment_id,] feature, bin, low, high, customers, share (of the feature's [segment's]
    customers) and smoothed_share (the share averaged over five neighbouring bins: a density estimate)."""
    segment = "segment_id, " if by_segment else ""
    same_segment = "regrouped.segment_id = groups.segment_id and " if by_segment else ""
    log_features = ", ".join(literal(f) for f in features if transforms.get(f) == "log1p") or "null"
    return f"""
        with long_values as (
        {_long_values(source, features, transforms, "segment_id" if by_segment else "")}
        ),
        fences as (
            {_fences(fences)}
        ),
        ranges as (
            select
                long_values.feature,
                greatest(quantile_cont(long_values.t, 0.001), coalesce(any_value(fences.lower_fence), -1e300))
                    as low,
                least(quantile_cont(long_values.t, 0.999), coalesce(any_value(fences.upper_fence), 1e300))
                    as high,
                bool_and(long_values.raw = floor(long_values.raw)) as is_whole
            from long_values
            left join fences on long_values.feature = fences.feature
            group by all
        ),
        widths as (
            select
                feature,
                is_whole,
                feature in ({log_features}) as is_log,
                low,
                case when high > low then (high - low) / {bins} else 1.0 end as width,
                case when high > low then {bins} else 1 end as bin_count
            from ranges
        ),
        equal_bins as (
            select
                widths.feature,
                bins.bin,
                widths.low + bins.bin * widths.width as low,
                widths.low + (bins.bin + 1) * widths.width as high,
                -- A bin is kept unless the feature is whole-numbered and the bin holds no whole number.
                not widths.is_whole
                    or bins.bin = 0
                    or ceil(case when widths.is_log then exp(widths.low + bins.bin * widths.width) - 1
                                 else widths.low + bins.bin * widths.width end - 1e-9)
                        < case when widths.is_log then exp(widths.low + (bins.bin + 1) * widths.width) - 1
                               else widths.low + (bins.bin + 1) * widths.width end - 1e-9
                    as is_kept
            from widths
            cross join range({bins}) as bins (bin)
            where bins.bin < widths.bin_count
        ),
        bin_map as (
            select
                feature,
                bin,
                max(case when is_kept then bin end) over (partition by feature order by bin) as kept_bin
            from equal_bins
        ),
        kept_bins as (
            select
                feature,
                bin,
                low,
                coalesce(lead(low) over (partition by feature order by bin),
                         max(high) over (partition by feature)) as high
            from equal_bins
            where is_kept
        ),
        binned as (
            select
                {"long_values.segment_id, " if by_segment else ""}long_values.feature,
                least(
                    widths.bin_count - 1, greatest(0, floor((long_values.t - widths.low) / widths.width))
                )::integer as bin,
                count(*) as customers
            from long_values
            inner join widths on long_values.feature = widths.feature
            group by all
        ),
        regrouped as (
            select {"binned.segment_id, " if by_segment else ""}binned.feature, bin_map.kept_bin as bin,
                sum(binned.customers) as customers
            from binned
            inner join bin_map on binned.feature = bin_map.feature and binned.bin = bin_map.bin
            group by all
        ),
        groups as (
            select distinct {segment}feature from regrouped
        ),
        counted as (
            select
                {"groups.segment_id, " if by_segment else ""}kept_bins.feature,
                kept_bins.bin,
                kept_bins.low,
                kept_bins.high,
                coalesce(regrouped.customers, 0) as customers
            from groups
            inner join kept_bins on groups.feature = kept_bins.feature
            left join regrouped
                on {same_segment}regrouped.feature = kept_bins.feature
                and regrouped.bin = kept_bins.bin
        ),
        shares as (
            select *, customers / sum(customers) over (partition by {segment}feature) as share
            from counted
        )
        select
            *,
            avg(share) over (
                partition by {segment}feature order by bin rows between 2 preceding and 2 following
            ) as smoothed_share
        from shares
        order by {segment}feature, bin
    """


def box_stats_sql(
    source: str, features: Sequence[str], transforms: dict[str, str], by_segment: bool = False
) -> str:
    """Tukey box statistics per feature [and segment] on the model's scale: quartiles, mean and whiskers
    at the furthest values within 1.5 IQR of the box, with the count of values beyond them."""
    keys = ["segment_id", "feature"] if by_segment else ["feature"]
    plain = ", ".join(keys)
    values_keys = ", ".join(f"long_values.{key}" for key in keys)
    join = " and ".join(f"long_values.{key} = boxes.{key}" for key in keys)
    return f"""
        with long_values as (
        {_long_values(source, features, transforms, "segment_id" if by_segment else "")}
        ),
        quartiles as (
            select {plain}, quantile_cont(t, [0.25, 0.5, 0.75]) as q, avg(t) as mean, count(*) as customers
            from long_values
            group by all
        ),
        boxes as (
            select
                {plain},
                q[1] as q1,
                q[2] as median,
                q[3] as q3,
                mean,
                customers,
                q[1] - 1.5 * (q[3] - q[1]) as lower_limit,
                q[3] + 1.5 * (q[3] - q[1]) as upper_limit
            from quartiles
        )
        select
            {values_keys},
            any_value(boxes.q1) as q1,
            any_value(boxes.median) as median,
            any_value(boxes.q3) as q3,
            any_value(boxes.mean) as mean,
            any_value(boxes.customers) as customers,
            min(long_values.t) filter (where long_values.t >= boxes.lower_limit) as lower_whisker,
            max(long_values.t) filter (where long_values.t <= boxes.upper_limit) as upper_whisker,
            count(*) filter (
                where long_values.t < boxes.lower_limit or long_values.t > boxes.upper_limit
            ) as outliers
        from long_values
        inner join boxes on {join}
        group by {values_keys}
        order by {values_keys}
    """


def correlation_sql(source: str, columns: Sequence[str]) -> str:
    """Pearson r for every pair of columns, one row per pair (a, b, r); the diagonal is 1."""
    pairs = []
    for i, first in enumerate(columns):
        for second in columns[i + 1 :]:
            pairs.append(
                f"select {literal(first)} as a, {literal(second)} as b, "
                f"corr({quote(first)}, {quote(second)}) as r from {source}"
            )
    if not pairs:
        return "select null::varchar as a, null::varchar as b, null::double as r where false"
    return "\nunion all\n".join(pairs)


def covariance_sql(source: str, columns: Sequence[str]) -> str:
    """Means and population covariances of the columns in one pass: columns mean_<i> and cov_<i>_<j>."""
    parts = [f"avg({quote(column)}) as mean_{i}" for i, column in enumerate(columns)]
    for i, first in enumerate(columns):
        for j in range(i, len(columns)):
            parts.append(f"covar_pop({quote(first)}, {quote(columns[j])}) as cov_{i}_{j}")
    parts.append("count(*) as customers")
    return f"select {', '.join(parts)} from {source}"


def variance_explained_sql(features: Sequence[str]) -> str:
    """Per model feature, the share of its variance that the segments explain (eta squared): the
    size-weighted spread of the segment centroids (segment_centroids) over the feature's variance across
    all customers (customer_features). 0: the segments do not differ; 1: customers of a segment are alike."""
    variances = ", ".join(f"var_pop({quote(feature + '_z')}) as {quote(feature)}" for feature in features)
    names = ", ".join(quote(feature) for feature in features)
    return f"""
        with centroids as (
            select feature, segment_id, customers, centroid_z from segment_centroids
        ),
        overall as (
            select feature, sum(customers * centroid_z) / sum(customers) as mean_z, sum(customers) as total
            from centroids
            group by all
        ),
        between_segments as (
            select
                centroids.feature,
                sum(centroids.customers * power(centroids.centroid_z - overall.mean_z, 2))
                    / any_value(overall.total) as between_variance
            from centroids
            inner join overall on centroids.feature = overall.feature
            group by all
        ),
        total_variance as (
            unpivot (select {variances} from customer_features)
            on {names}
            into name feature value total_variance
        )
        select
            between_segments.feature,
            case
                when total_variance.total_variance > 0
                    then least(1, between_segments.between_variance / total_variance.total_variance)
                else 0
            end as variance_explained
        from between_segments
        inner join total_variance on between_segments.feature = total_variance.feature
        order by variance_explained desc
    """
