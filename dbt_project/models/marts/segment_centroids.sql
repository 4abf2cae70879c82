{#- One row per segment and candidate feature, for the model version in use, on today's customers
    (segment_model_centroids holds every version's frozen centroids). -#}

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
        statistics.overall_median_value::double as overall_median_value,
        segment_labels.model_version::integer as model_version

    from statistics
    inner join segment_labels on statistics.segment_id = segment_labels.segment_id

)

select * from final
