{#- One row per segment of the model version in use: its persisted name, description and action
    (int_segment_names) with today's key traits (int_segment_personas). What the marts show. -#}

with names as (

    select * from {{ ref('int_segment_names') }}

),

personas as (

    select * from {{ ref('int_segment_personas') }}

),

current_names as (

    select * from names
    where model_version = (select max(model_version) from names)

),

final as (

    select
        current_names.segment_id,
        current_names.model_version,
        current_names.segment_name,
        current_names.segment_description,
        personas.key_traits,
        current_names.suggested_action,
        current_names.persona_match_score,
        current_names.is_catalogue_persona,
        current_names.is_inherited

    from current_names
    left join personas on current_names.segment_id = personas.segment_id

)

select * from final
