{#- One row per candidate feature, population (all customers, and each segment of the model version in
    use) and bin: the histogram of the feature on the model's scale. Equal-width bins (var
    report_histogram_bins) over the middle 99.8% of all customers' values, within the outlier fences of the
    version in use (feature_summary); values beyond count in the end bins (the model clipped those beyond a
    fence). Every population of a feature shares its bins, so that segments can be overlaid. For a
    whole-number feature (a count, a flag) an inner bin that cannot hold a whole number in the feature's
    units is merged into the bin before it, so that a log axis shows no comb of empty bins; the two end
    bins are always kept, as they hold the values beyond the range. -#}
{%- set bins = whole_number_var('report_histogram_bins', minimum=1) -%}
{%- set range_quantiles = histogram_range_quantiles() %}

with feature_values as {{ inlined_cte() }} (

    {{ customer_feature_values(ref('int_customer_features_segmented')) }}

),

summary as (

    select feature, transform, lower_fence, upper_fence, is_model_feature
    from {{ ref('feature_summary') }}

),

segments as (

    select segment_id, segment_name
    from {{ ref('segment_profiles') }}

),

bin_numbers as (

    {{ bin_numbers(bins) }}

),

ranges as (

    -- Over all customers: every population of a feature is binned alike.
    select
        feature,
        {{ quantiles('model_value', range_quantiles) }} as central_range,
        min(case when feature_value = floor(feature_value) then 1 else 0 end) = 1 as is_whole

    from feature_values
    group by feature

),

bounds as (

    select
        ranges.feature,
        ranges.is_whole,
        summary.transform,
        greatest({{ list_element('ranges.central_range', 1) }}, coalesce(summary.lower_fence, -1e300)) as low,
        least({{ list_element('ranges.central_range', 2) }}, coalesce(summary.upper_fence, 1e300)) as high

    from ranges
    inner join summary on ranges.feature = summary.feature

),

widths as (

    select
        feature,
        is_whole,
        transform,
        low,
        {{ bin_width('low', 'high', bins) }} as width,
        {{ bin_count('low', 'high', bins) }} as bin_count

    from bounds

),

equal_bins as (

    select
        widths.feature,
        bin_numbers.bin,
        widths.low + bin_numbers.bin * widths.width as bin_low,
        widths.low + (bin_numbers.bin + 1) * widths.width as bin_high,
        not widths.is_whole
            or bin_numbers.bin = 0
            or bin_numbers.bin = widths.bin_count - 1
            or ceil({{ value_in_feature_units('widths.transform', 'widths.low + bin_numbers.bin * widths.width') }} - 1e-9)
                < {{ value_in_feature_units('widths.transform', 'widths.low + (bin_numbers.bin + 1) * widths.width') }} - 1e-9
            as is_kept

    from widths
    cross join bin_numbers
    where bin_numbers.bin < widths.bin_count

),

bin_map as (

    -- Each equal-width bin to the kept bin it merges into: the nearest kept bin at or before it.
    select
        feature,
        bin,
        max(case when is_kept then bin end) over (
            partition by feature order by bin rows between unbounded preceding and current row
        ) as kept_bin

    from equal_bins

),

kept_bins as (

    -- A kept bin reaches up to the next kept bin: it spans the bins merged into it.
    select
        feature,
        bin,
        bin_low,
        coalesce(lead(bin_low) over (partition by feature order by bin), bin_high) as bin_high

    from equal_bins
    where is_kept

),

binned as (

    select
        feature_values.feature,
        feature_values.segment_id,
        {{ equal_width_bin('feature_values.model_value', 'widths.low', 'widths.width', 'widths.bin_count') }} as bin

    from feature_values
    inner join widths on feature_values.feature = widths.feature

),

segment_bin_counts as (

    select feature, segment_id, bin, count(*) as customers
    from binned
    group by feature, segment_id, bin

),

bin_counts as (

    -- Each segment, and all customers (segment_id NULL): every customer is in exactly one segment.
    select feature, segment_id, bin, customers
    from segment_bin_counts

    union all

    select feature, cast(null as integer) as segment_id, bin, sum(customers) as customers
    from segment_bin_counts
    group by feature, bin

),

populations as (

    select feature, segment_id, sum(customers) as population_customers
    from bin_counts
    group by feature, segment_id

),

merged_counts as (

    select
        bin_counts.feature,
        bin_counts.segment_id,
        bin_map.kept_bin as bin,
        sum(bin_counts.customers) as customers

    from bin_counts
    inner join bin_map on bin_counts.feature = bin_map.feature and bin_counts.bin = bin_map.bin
    group by bin_counts.feature, bin_counts.segment_id, bin_map.kept_bin

),

counted as (

    -- Every kept bin of the feature for every population, empty bins with 0 customers.
    select
        populations.feature,
        populations.segment_id,
        kept_bins.bin,
        kept_bins.bin_low,
        kept_bins.bin_high,
        coalesce(merged_counts.customers, 0) as customers,
        populations.population_customers,
        cast(coalesce(merged_counts.customers, 0) as double) / populations.population_customers as share

    from populations
    inner join kept_bins on populations.feature = kept_bins.feature
    left join merged_counts
        on populations.feature = merged_counts.feature
        and populations.segment_id is not distinct from merged_counts.segment_id
        and kept_bins.bin = merged_counts.bin

),

final as (

    select
        cast(counted.feature as string) as feature,
        cast(summary.is_model_feature as boolean) as is_model_feature,
        cast(summary.transform as string) as transform,
        cast(counted.segment_id is null as boolean) as is_all_customers,
        cast(counted.segment_id as integer) as segment_id,
        cast(segments.segment_name as string) as segment_name,
        cast(counted.bin as integer) as bin,
        cast(counted.bin_low as double) as bin_low,
        cast(counted.bin_high as double) as bin_high,
        cast({{ value_in_feature_units('summary.transform', 'counted.bin_low') }} as double) as bin_low_value,
        cast({{ value_in_feature_units('summary.transform', 'counted.bin_high') }} as double) as bin_high_value,
        cast(counted.customers as bigint) as customers,
        cast(counted.population_customers as bigint) as population_customers,
        cast(counted.share as double) as share,
        -- The share averaged over five neighbouring bins (fewer at the ends): a density estimate.
        cast(avg(counted.share) over (
            partition by counted.feature, counted.segment_id
            order by counted.bin
            rows between 2 preceding and 2 following
        ) as double) as smoothed_share

    from counted
    inner join summary on counted.feature = summary.feature
    left join segments on counted.segment_id = segments.segment_id

)

select * from final
