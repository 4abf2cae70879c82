{#- One row per model feature: the transform and the outlier fences.
    Transform: log1p for a behaviour feature (count or amount) with no negative value whose skewness
    exceeds var log_transform_min_skewness; identity otherwise (ratios, near-symmetric features).
    Fences (on the transformed scale): quartiles -/+ var outlier_iqr_multiplier x IQR. Where the IQR is 0
    (a feature concentrated on one value) the 1st and 99th percentiles are the fences instead, so that
    the feature is not flattened. Values beyond a fence are clipped to it (winsorised): an absurd value
    cannot pull a centroid or capture a cluster of its own. -#}

with feature_values as (

    select * from {{ ref('int_customer_feature_values') }}

),

scaled_values as (

    -- Skewness does not depend on scale; dividing by the largest magnitude keeps the third powers in
    -- range when a feature holds huge values (1e300).
    select
        feature,
        feature_kind,
        feature_value,
        feature_value / nullif(max(abs(feature_value)) over (partition by feature), 0) as scaled_value

    from feature_values

),

raw_statistics as (

    select
        feature,
        any_value(feature_kind) as feature_kind,
        min(feature_value) as min_value,
        -- A constant feature has no skewness (NaN, which would compare greater than any threshold): 0.
        coalesce(case when isfinite(skewness(scaled_value)) then skewness(scaled_value) end, 0) as raw_skewness

    from scaled_values
    group by all

),

rules as (

    select
        feature,
        feature_kind,
        raw_skewness,
        case
            when feature_kind = 'behaviour'
                and min_value >= 0
                and raw_skewness > {{ number_var('log_transform_min_skewness') }}
                then 'log1p'
            else 'identity'
        end as transform

    from raw_statistics

),

transformed as (

    select
        feature_values.feature,
        case
            when rules.transform = 'log1p' then ln(1 + feature_values.feature_value)
            else feature_values.feature_value
        end as transformed_value

    from feature_values
    inner join rules on feature_values.feature = rules.feature

),

quantiles as (

    select
        feature,
        quantile_cont(transformed_value, 0.01) as p01,
        quantile_cont(transformed_value, 0.25) as p25,
        quantile_cont(transformed_value, 0.75) as p75,
        quantile_cont(transformed_value, 0.99) as p99

    from transformed
    group by all

),

fences as (

    select
        rules.feature,
        rules.feature_kind,
        rules.transform,
        rules.raw_skewness,
        case
            when quantiles.p75 > quantiles.p25
                then quantiles.p25 - {{ number_var('outlier_iqr_multiplier') }} * (quantiles.p75 - quantiles.p25)
            else quantiles.p01
        end as lower_fence,
        case
            when quantiles.p75 > quantiles.p25
                then quantiles.p75 + {{ number_var('outlier_iqr_multiplier') }} * (quantiles.p75 - quantiles.p25)
            else quantiles.p99
        end as upper_fence

    from rules
    inner join quantiles on rules.feature = quantiles.feature

)

select * from fences
