{#- One row per segment of the model version in use: its share of customers now against its share at
    training, the share of its customers that sit far from every centroid (beyond the distance that 99%
    of the training customers were within), and how far its centroid moved at the last retrain. -#}

with models as (

    select * from {{ ref('segment_models') }}

),

assignments as (

    select * from {{ ref('int_segment_assignments') }}

),

names as (

    select * from {{ ref('int_segment_names') }}

),

current_model as (

    select * from models
    where model_version = (select max(model_version) from models)

),

trained_segments as (

    select
        model_version,
        training_customers as all_training_customers,
        unnest(segment_ids_json::json::integer[]) as segment_id,
        unnest(training_customers_json::json::bigint[]) as training_customers,
        unnest(centroid_shifts_json::json::double[]) as centroid_shift

    from current_model

),

scored as (

    select
        segment_id,
        count(*) as customers,
        avg(is_far_from_centroids::integer) as far_from_centroids_share

    from assignments
    group by all

),

final as (

    select
        trained_segments.segment_id::integer as segment_id,
        names.segment_name,
        trained_segments.model_version::integer as model_version,
        trained_segments.training_customers::bigint as training_customers,
        coalesce(scored.customers, 0)::bigint as customers,
        (trained_segments.training_customers / trained_segments.all_training_customers)::double
            as training_share,
        (coalesce(scored.customers, 0) / sum(coalesce(scored.customers, 0)) over ())::double as customer_share,
        coalesce(scored.far_from_centroids_share, 0)::double as far_from_centroids_share,
        trained_segments.centroid_shift::double as centroid_shift,
        {{ number_var('drift_far_share_threshold') }}::double as far_share_threshold,
        {{ number_var('drift_centroid_shift_threshold') }}::double as centroid_shift_threshold

    from trained_segments
    left join scored on trained_segments.segment_id = scored.segment_id
    left join names
        on trained_segments.model_version = names.model_version
        and trained_segments.segment_id = names.segment_id

)

select
    * exclude (far_share_threshold, centroid_shift_threshold),
    customer_share - training_share as share_change,
    far_share_threshold,
    centroid_shift_threshold

from final
order by segment_id
