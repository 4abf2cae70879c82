{#- One row per candidate feature: its labels, the preprocessing of the model version in use (fill value,
    transform, fences - also in feature units - and scaling; what the model saw), whether that model
    uses it, how many of today's customers had their value filled or clipped by that preprocessing, and
    the distribution of today's data (columns data_*: today's values filled by today's rule, before
    clipping; statistics of the data, not parameters of the model) and why today's rule would leave the
    feature out of a newly trained version. -#}

with fitted as (

    select * from {{ ref('int_feature_parameters_fitted') }}

),

applied as (

    select * from {{ ref('int_feature_parameters_applied') }}

),

statistics as (

    select * from {{ ref('int_segment_features_profiled') }}

),

labels as (

    select * from {{ ref('int_feature_candidates_listed') }}

),

selection as (

    select * from {{ ref('int_features_selected') }}

),

overall as (

    select
        feature,
        max(overall_clipped_count) as clipped_count

    from statistics
    group by feature

),

joined as (

    select
        applied.feature,
        labels.label as feature_label,
        labels.high_label,
        labels.low_label,
        labels.definition,
        applied.input_name,
        applied.feature_kind,
        applied.transform,
        applied.model_version,
        fitted.customers,
        fitted.filled_count,
        overall.clipped_count,
        applied.fill_value,
        applied.lower_fence,
        applied.upper_fence,
        {{ value_in_feature_units('applied.transform', 'applied.lower_fence') }} as lower_fence_value,
        {{ value_in_feature_units('applied.transform', 'applied.upper_fence') }} as upper_fence_value,
        applied.scaling_center,
        applied.scaling_scale,
        fitted.mean_value as data_mean_value,
        fitted.stddev_value as data_stddev_value,
        fitted.min_value as data_min_value,
        fitted.p25_value as data_p25_value,
        fitted.median_value as data_median_value,
        fitted.p75_value as data_p75_value,
        fitted.max_value as data_max_value,
        fitted.skewness as data_skewness,
        applied.is_model_feature,
        applied.is_frozen,
        selection.exclusion_reason as data_exclusion_reason,
        applied.candidate_order

    from applied
    inner join fitted on applied.feature = fitted.feature
    inner join overall on applied.feature = overall.feature
    left join labels on applied.feature = labels.feature
    left join selection on applied.feature = selection.feature

),

final as (

    select
        cast(feature as string) as feature,
        cast(feature_label as string) as feature_label,
        cast(high_label as string) as high_label,
        cast(low_label as string) as low_label,
        cast(definition as string) as definition,
        cast(input_name as string) as input_name,
        cast(feature_kind as string) as feature_kind,
        cast(transform as string) as transform,
        cast(model_version as integer) as model_version,
        cast(customers as bigint) as customers,
        cast(filled_count as bigint) as filled_count,
        cast(clipped_count as bigint) as clipped_count,
        cast(fill_value as double) as fill_value,
        cast(lower_fence as double) as lower_fence,
        cast(upper_fence as double) as upper_fence,
        cast(lower_fence_value as double) as lower_fence_value,
        cast(upper_fence_value as double) as upper_fence_value,
        cast(scaling_center as double) as scaling_center,
        cast(scaling_scale as double) as scaling_scale,
        cast(data_mean_value as double) as data_mean_value,
        cast(data_stddev_value as double) as data_stddev_value,
        cast(data_min_value as double) as data_min_value,
        cast(data_p25_value as double) as data_p25_value,
        cast(data_median_value as double) as data_median_value,
        cast(data_p75_value as double) as data_p75_value,
        cast(data_max_value as double) as data_max_value,
        cast(data_skewness as double) as data_skewness,
        cast(is_model_feature as boolean) as is_model_feature,
        cast(is_frozen as boolean) as is_frozen,
        cast(data_exclusion_reason as string) as data_exclusion_reason

    from joined

)

select * from final
