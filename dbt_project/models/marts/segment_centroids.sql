{#- One row per segment and model feature. -#}

with statistics as (

    select * from {{ ref('int_segment_feature_statistics') }}

),

segment_labels as (

    select * from {{ ref('int_segment_labels') }}

),

final as (

    select
        statistics.segment_id::integer as segment_id,
        segment_labels.segment_name,
        statistics.feature,
        statistics.customers::bigint as customers,
        statistics.centroid_z::double as centroid_z,
        statistics.mean_value::double as mean_value,
        statistics.median_value::double as median_value,
        statistics.overall_mean_value::double as overall_mean_value,
        statistics.overall_median_value::double as overall_median_value

    from statistics
    inner join segment_labels on statistics.segment_id = segment_labels.segment_id

)

select * from final
