{#- One row per segment and model feature. -#}

with statistics as (

    select * from {{ ref('int_segment_feature_statistics') }}

),

personas as (

    select * from {{ ref('int_segment_personas') }}

),

final as (

    select
        statistics.segment_id::integer as segment_id,
        personas.segment_name,
        statistics.feature,
        statistics.customers::bigint as customers,
        statistics.centroid_z::double as centroid_z,
        statistics.mean_value::double as mean_value,
        statistics.median_value::double as median_value,
        statistics.overall_mean_value::double as overall_mean_value,
        statistics.overall_median_value::double as overall_median_value

    from statistics
    inner join personas on statistics.segment_id = personas.segment_id

)

select * from final
