{#- One row per candidate feature: distribution in the feature's own units (after imputation, before
    clipping), missing and clipped counts, the transform, the fences, the scaling parameters and whether
    the clustering used it (int_feature_selection). -#}

with feature_values as (

    select * from {{ ref('int_customer_feature_values_transformed') }}

),

transforms as (

    select * from {{ ref('int_feature_transforms') }}

),

scaling as (

    select * from {{ ref('int_feature_scaling') }}

),

selection as (

    select * from {{ ref('int_feature_selection') }}

),

scaled_values as (

    -- Mean and standard deviation are computed on values divided by the feature's largest magnitude,
    -- then scaled back, so that huge values (1e300) cannot overflow the sums of squares.
    select
        *,
        coalesce(nullif(max(abs(feature_value)) over (partition by feature), 0), 1) as magnitude

    from feature_values

),

distribution as (

    select
        feature,
        count(*) as customers,
        avg(feature_value / magnitude) * any_value(magnitude) as mean_value,
        coalesce(stddev_pop(feature_value / magnitude), 0) * any_value(magnitude) as stddev_value,
        min(feature_value) as min_value,
        quantile_cont(feature_value, 0.25) as p25_value,
        median(feature_value) as median_value,
        quantile_cont(feature_value, 0.75) as p75_value,
        max(feature_value) as max_value,
        count(*) filter (where is_imputed) as null_count,
        count(*) filter (where is_clipped) as clipped_count

    from scaled_values
    group by all

),

final as (

    select
        distribution.feature::varchar as feature,
        transforms.feature_kind::varchar as feature_kind,
        transforms.transform::varchar as transform,
        distribution.customers::bigint as customers,
        distribution.mean_value::double as mean_value,
        distribution.stddev_value::double as stddev_value,
        distribution.min_value::double as min_value,
        distribution.p25_value::double as p25_value,
        distribution.median_value::double as median_value,
        distribution.p75_value::double as p75_value,
        distribution.max_value::double as max_value,
        distribution.null_count::bigint as null_count,
        distribution.clipped_count::bigint as clipped_count,
        transforms.raw_skewness::double as skewness,
        transforms.lower_fence::double as lower_fence,
        transforms.upper_fence::double as upper_fence,
        scaling.scaling_center::double as scaling_center,
        scaling.scaling_scale::double as scaling_scale,
        selection.is_model_feature::boolean as is_model_feature

    from distribution
    inner join transforms on distribution.feature = transforms.feature
    inner join scaling on distribution.feature = scaling.feature
    inner join selection on distribution.feature = selection.feature

)

select * from final
order by feature
