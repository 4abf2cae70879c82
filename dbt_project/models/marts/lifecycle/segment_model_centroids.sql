{#- One row per model version, segment and model feature: the frozen centroid that scores customers, in
    the version's standardized units and in the feature's own units (the frozen preprocessing undone),
    with the distance the segment's centroid moved from its matched segment of the previous version. -#}

with models as (

    select * from {{ ref('segment_models') }}

),

preprocessing as (

    select * from {{ ref('int_frozen_preprocessing') }}

),

names as (

    select * from {{ ref('int_segment_names') }}

),

segments as (

    select
        model_version,
        unnest(segment_ids_json::json::integer[]) as segment_id,
        unnest(centroids_json::json::double[][]) as centroid,
        unnest(centroid_shifts_json::json::double[]) as centroid_shift,
        unnest(training_customers_json::json::bigint[]) as training_customers,
        features_json::json::varchar[] as features

    from models

),

coordinates as (

    select
        model_version,
        segment_id,
        centroid_shift,
        training_customers,
        unnest(features) as feature,
        unnest(centroid) as centroid_z

    from segments

),

final as (

    select
        coordinates.model_version::integer as model_version,
        coordinates.segment_id::integer as segment_id,
        names.segment_name,
        coordinates.feature,
        coordinates.training_customers::bigint as training_customers,
        coordinates.centroid_z::double as centroid_z,
        case
            when preprocessing.transform = 'log1p'
                then exp(coordinates.centroid_z * preprocessing.scaling_scale + preprocessing.scaling_center) - 1
            else coordinates.centroid_z * preprocessing.scaling_scale + preprocessing.scaling_center
        end::double as centroid_value,
        coordinates.centroid_shift::double as centroid_shift,
        coordinates.model_version = (select max(model_version) from models) as is_current_version

    from coordinates
    inner join preprocessing
        on coordinates.model_version = preprocessing.model_version
        and coordinates.feature = preprocessing.feature
    left join names
        on coordinates.model_version = names.model_version
        and coordinates.segment_id = names.segment_id

)

select * from final
order by model_version, segment_id, feature
