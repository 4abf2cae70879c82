{#- One row per segment of the model version in use and candidate feature, on today's customers,
    preprocessed with that version's parameters (segment_model_centroids holds every version's frozen
    centroids). mean_value is the mean of the winsorised values in feature units; raw_mean_value the mean
    of the filled values before clipping. -#}

with statistics as (

    select * from {{ ref('int_segment_features_profiled') }}

),

segment_labels as (

    select * from {{ ref('int_segments_labelled') }}

),

final as (

    select
        cast(statistics.segment_id as integer) as segment_id,
        cast(segment_labels.segment_name as string) as segment_name,
        cast(statistics.feature as string) as feature,
        cast(statistics.customers as bigint) as customers,
        cast(statistics.centroid_z as double) as centroid_z,
        cast(statistics.mean_value as double) as mean_value,
        cast(statistics.median_value as double) as median_value,
        cast(statistics.raw_mean_value as double) as raw_mean_value,
        cast(statistics.clipped_count as bigint) as clipped_count,
        cast(statistics.overall_mean_value as double) as overall_mean_value,
        cast(statistics.overall_median_value as double) as overall_median_value,
        cast(statistics.overall_raw_mean_value as double) as overall_raw_mean_value,
        cast(segment_labels.model_version as integer) as model_version

    from statistics
    inner join segment_labels on statistics.segment_id = segment_labels.segment_id

)

select * from final
