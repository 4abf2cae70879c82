{#- One row per segment of the model version in use: its share of customers now against its share of the
    training sample, the share of its customers that sit far from every centroid (beyond the distance that
    99% of the training customers were within), and how far its centroid moved at the last retrain. -#}

with segments as (

    select * from {{ ref('segment_model_segments') }}
    where is_current_version

),

assignments as (

    select * from {{ ref('int_customers_segmented') }}

),

scored as (

    select
        segment_id,
        count(*) as customers,
        avg(case when is_far_from_centroids then 1 else 0 end) as far_from_centroids_share

    from assignments
    group by segment_id

),

compared as (

    select
        segments.segment_id,
        segments.segment_name,
        segments.model_version,
        segments.training_customers,
        coalesce(scored.customers, 0) as customers,
        segments.training_share,
        cast(coalesce(scored.customers, 0) as double) / sum(coalesce(scored.customers, 0)) over () as customer_share,
        coalesce(scored.far_from_centroids_share, 0) as far_from_centroids_share,
        segments.centroid_shift

    from segments
    left join scored on segments.segment_id = scored.segment_id

),

final as (

    select
        cast(segment_id as integer) as segment_id,
        segment_name,
        cast(model_version as integer) as model_version,
        cast(training_customers as bigint) as training_customers,
        cast(customers as bigint) as customers,
        cast(training_share as double) as training_share,
        cast(customer_share as double) as customer_share,
        cast(far_from_centroids_share as double) as far_from_centroids_share,
        cast(centroid_shift as double) as centroid_shift,
        cast(customer_share - training_share as double) as share_change,
        cast({{ number_var('drift_far_share_threshold') }} as double) as far_share_threshold,
        cast({{ number_var('drift_centroid_shift_threshold') }} as double) as centroid_shift_threshold

    from compared

)

select * from final
