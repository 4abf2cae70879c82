{#- One row per segment of the model version in use: the name, description and action its version gave
    it (int_segment_names_assigned), with today's key traits - the three features with the largest absolute
    lift among those most of the segment has a value for, e.g. "High cart value (z +1.50)". What the marts
    show. -#}

with names as (

    select * from {{ ref('int_segment_names_assigned') }}

),

statistics as (

    select * from {{ ref('int_segment_features_profiled') }}

),

labels as (

    select * from {{ ref('int_feature_candidates_listed') }}

),

current_names as (

    select * from names
    where model_version = (select max(model_version) from names)

),

traits as (

    select
        statistics.segment_id,
        case
            when statistics.centroid_z >= 0 then labels.high_label
            else labels.low_label
        end || ' (z ' || printf('%+.2f', statistics.centroid_z) || ')' as trait,
        row_number() over (
            partition by statistics.segment_id
            order by abs(statistics.centroid_z) desc, statistics.feature
        ) as trait_rank

    from statistics
    left join labels on statistics.feature = labels.feature
    -- A feature most of the segment has no value for is not a trait of it (absent from an input).
    where statistics.is_observed

),

key_traits as (

    select
        segment_id,
        {{ ordered_string_agg('trait', "', '", [['trait_rank', 'asc']]) }} as key_traits

    from traits
    where trait_rank <= 3
    group by segment_id

),

final as (

    select
        current_names.segment_id,
        current_names.model_version,
        current_names.segment_name,
        current_names.segment_description,
        key_traits.key_traits,
        current_names.suggested_action,
        current_names.persona_match_score,
        current_names.is_catalogue_persona,
        current_names.is_inherited

    from current_names
    left join key_traits on current_names.segment_id = key_traits.segment_id

)

select * from final
