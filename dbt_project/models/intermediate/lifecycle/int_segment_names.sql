{#- One row per model version and segment: the name, description and suggested action the segment carries
    for as long as that version is in use. Appended once per new version (on its training run):
    a segment matched to the previous version keeps that version's name (is_inherited); a new segment is
    named from the persona catalogue as matched today (int_segment_personas). A new segment whose persona
    name an inherited segment already carries is numbered, e.g. "Bargain Hunters (6)". -#}
{{ config(materialized='incremental', incremental_strategy='append') }}

with models as (

    select * from {{ ref('segment_models') }}

),

personas as (

    select * from {{ ref('int_segment_personas') }}

),

current_model as (

    select
        model_version,
        previous_model_version,
        segment_ids_json::json::integer[] as segment_ids

    from models
    where model_version = (select max(model_version) from models)
    {%- if is_incremental() %}
        and model_version not in (select model_version from {{ this }})
    {%- endif %}

),

segments as (

    select
        model_version,
        previous_model_version,
        unnest(segment_ids) as segment_id

    from current_model

),

{%- if is_incremental() %}

previous_names as (

    select * from {{ this }}

),

{%- else %}

previous_names as (

    select
        cast(null as integer) as model_version,
        cast(null as integer) as segment_id,
        cast(null as string) as segment_name,
        cast(null as string) as segment_description,
        cast(null as string) as suggested_action,
        cast(null as double) as persona_match_score,
        cast(null as boolean) as is_catalogue_persona

    where false

),

{%- endif %}

candidate_names as (

    select
        segments.model_version,
        segments.segment_id,
        previous_names.segment_name is not null as is_inherited,
        coalesce(previous_names.segment_name, personas.segment_name, 'Segment ' || segments.segment_id)
            as segment_name,
        coalesce(previous_names.segment_description, personas.segment_description, 'No customer yet.')
            as segment_description,
        coalesce(previous_names.suggested_action, personas.suggested_action, 'Wait for customers.')
            as suggested_action,
        case
            when previous_names.segment_name is not null then previous_names.persona_match_score
            else personas.persona_match_score
        end as persona_match_score,
        coalesce(previous_names.is_catalogue_persona, personas.is_catalogue_persona, false)
            as is_catalogue_persona

    from segments
    left join previous_names
        on segments.previous_model_version = previous_names.model_version
        and segments.segment_id = previous_names.segment_id
    left join personas on segments.segment_id = personas.segment_id

),

named as (

    select
        cast(model_version as integer) as model_version,
        cast(segment_id as integer) as segment_id,
        case
            when not is_inherited
                and count(*) over (partition by segment_name) > 1
                then segment_name || ' (' || segment_id || ')'
            else segment_name
        end as segment_name,
        segment_description,
        suggested_action,
        cast(persona_match_score as double) as persona_match_score,
        is_catalogue_persona,
        is_inherited

    from candidate_names

)

select * from named
