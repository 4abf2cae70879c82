{#- One row per segment and model feature: the centroid in standardized units (= the z-score lift of the
    segment against all customers, whose mean is 0) and the segment's mean and median in the feature's
    own units, beside the all-customer mean and median. -#}

with assignments as (

    select * from {{ ref('int_segment_assignments') }}

),

transformed as (

    select * from {{ ref('int_customer_feature_values_transformed') }}

),

scaling as (

    select * from {{ ref('int_feature_scaling') }}

),

customer_values as (

    select
        assignments.segment_id,
        transformed.feature,
        transformed.feature_value,
        case
            when scaling.scaling_scale > 0
                then (transformed.transformed_value - scaling.scaling_center) / scaling.scaling_scale
            else 0
        end as standardized_value

    from transformed
    inner join assignments on transformed.customer_id = assignments.customer_id
    inner join scaling on transformed.feature = scaling.feature

),

overall as (

    select
        feature,
        avg(feature_value) as overall_mean_value,
        median(feature_value) as overall_median_value

    from customer_values
    group by all

),

per_segment as (

    select
        segment_id,
        feature,
        count(*) as customers,
        avg(standardized_value) as centroid_z,
        avg(feature_value) as mean_value,
        median(feature_value) as median_value

    from customer_values
    group by all

),

final as (

    select
        per_segment.segment_id,
        per_segment.feature,
        per_segment.customers,
        per_segment.centroid_z,
        per_segment.mean_value,
        per_segment.median_value,
        overall.overall_mean_value,
        overall.overall_median_value

    from per_segment
    inner join overall on per_segment.feature = overall.feature

)

select * from final
