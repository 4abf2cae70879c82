{#- One row per cell of a grid of purchasers: days since the last purchase (recency_days, equal-width bins
    in days) by spend (monetary, equal-width bins of ln(1 + monetary): spend spans orders of magnitude),
    var report_grid_bins bins per axis over the middle 99.8% of each axis's values; values beyond count in
    the end bins. Every cell, empty ones with 0 customers. Empty without a transactions input. -#}
{%- set bins = whole_number_var('report_grid_bins', minimum=1) -%}
{%- set range_quantiles = histogram_range_quantiles() %}

with purchasers as (

    select
        cast(recency_days as double) as recency_days,
        ln(1 + cast(monetary as double)) as monetary_log1p

    from {{ ref('customer_rfm') }}

),

bin_numbers as (

    {{ bin_numbers(bins) }}

),

ranges as (

    select
        {{ quantiles('recency_days', range_quantiles) }} as recency_range,
        {{ quantiles('monetary_log1p', range_quantiles) }} as monetary_range,
        count(*) as purchasers

    from purchasers
    -- Without purchasers the aggregate would still return one row of NULLs.
    having count(*) > 0

),

bounds as (

    select
        {{ list_element('recency_range', 1) }} as recency_low,
        {{ list_element('recency_range', 2) }} as recency_high,
        {{ list_element('monetary_range', 1) }} as monetary_low,
        {{ list_element('monetary_range', 2) }} as monetary_high,
        purchasers

    from ranges

),

widths as (

    select
        recency_low,
        {{ bin_width('recency_low', 'recency_high', bins) }} as recency_width,
        {{ bin_count('recency_low', 'recency_high', bins) }} as recency_bin_count,
        monetary_low,
        {{ bin_width('monetary_low', 'monetary_high', bins) }} as monetary_width,
        {{ bin_count('monetary_low', 'monetary_high', bins) }} as monetary_bin_count,
        purchasers

    from bounds

),

cells as (

    select
        recency_bins.bin as recency_bin,
        monetary_bins.bin as monetary_bin,
        widths.recency_low + recency_bins.bin * widths.recency_width as recency_low_days,
        widths.recency_low + (recency_bins.bin + 1) * widths.recency_width as recency_high_days,
        widths.monetary_low + monetary_bins.bin * widths.monetary_width as monetary_low_log1p,
        widths.monetary_low + (monetary_bins.bin + 1) * widths.monetary_width as monetary_high_log1p,
        widths.purchasers

    from widths
    cross join bin_numbers as recency_bins
    cross join bin_numbers as monetary_bins
    where recency_bins.bin < widths.recency_bin_count
        and monetary_bins.bin < widths.monetary_bin_count

),

binned as (

    select
        {{ equal_width_bin('purchasers.recency_days', 'widths.recency_low', 'widths.recency_width',
                           'widths.recency_bin_count') }} as recency_bin,
        {{ equal_width_bin('purchasers.monetary_log1p', 'widths.monetary_low', 'widths.monetary_width',
                           'widths.monetary_bin_count') }} as monetary_bin

    from purchasers
    cross join widths

),

cell_counts as (

    select recency_bin, monetary_bin, count(*) as customers
    from binned
    group by recency_bin, monetary_bin

),

final as (

    select
        cast(cells.recency_bin as integer) as recency_bin,
        cast(cells.monetary_bin as integer) as monetary_bin,
        cast(cells.recency_low_days as double) as recency_low_days,
        cast(cells.recency_high_days as double) as recency_high_days,
        cast(cells.monetary_low_log1p as double) as monetary_low_log1p,
        cast(cells.monetary_high_log1p as double) as monetary_high_log1p,
        cast(exp(cells.monetary_low_log1p) - 1 as double) as monetary_low_value,
        cast(exp(cells.monetary_high_log1p) - 1 as double) as monetary_high_value,
        cast(coalesce(cell_counts.customers, 0) as bigint) as customers,
        cast(coalesce(cell_counts.customers, 0) as double) / cells.purchasers as customer_share

    from cells
    left join cell_counts
        on cells.recency_bin = cell_counts.recency_bin
        and cells.monetary_bin = cell_counts.monetary_bin

)

select * from final
