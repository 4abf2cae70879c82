{#- One row per model version and segment (the registry, int_segment_models_trained and
    int_segment_names_assigned): the segment's id and name under that version, its customers and share in
    the training sample, whether it kept its id (and name) from the previous version and how far its
    centroid moved then. -#}

with trained as (

    select * from {{ ref('int_segment_models_trained') }}

),

names as (

    select * from {{ ref('int_segment_names_assigned') }}

),

segments as (

    {{ model_segment_columns('trained', ['segment_position', 'training_customers', 'training_share',
                                         'centroid_shift', 'mixture_weight']) }}

),

final as (

    select
        cast(segments.model_version as integer) as model_version,
        cast(segments.segment_id as integer) as segment_id,
        names.segment_name,
        names.segment_description,
        names.suggested_action,
        cast(segments.training_customers as bigint) as training_customers,
        cast(segments.training_share as double) as training_share,
        cast(segments.centroid_shift as double) as centroid_shift,
        cast(segments.mixture_weight as double) as mixture_weight,
        cast(names.persona_match_score as double) as persona_match_score,
        cast(segments.segment_position as integer) as segment_position,
        names.is_catalogue_persona,
        names.is_inherited,
        segments.model_version = (select max(model_version) from segments) as is_current_version

    from segments
    left join names
        on segments.model_version = names.model_version
        and segments.segment_id = names.segment_id

)

select * from final
