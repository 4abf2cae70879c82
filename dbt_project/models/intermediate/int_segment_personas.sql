{#- One row per segment: its name, description and suggested action.
    A persona of the catalogue matches a segment when every feature of its signature is present and the
    segment's centroid z-score is >= var persona_min_z (level high) or <= -persona_min_z (level low).
    The match score is the mean z-score in the signature's direction. A persona names a segment when the
    match is the best for both (mutual best), so no name is given twice. A segment without a persona is
    named after its two strongest traits, e.g. "Many clicks · Few purchases". -#}
{%- set min_z = number_var('persona_min_z') -%}

with statistics as (

    select * from {{ ref('int_segment_feature_statistics') }}

),

catalogue as (

    select * from {{ ref('persona_catalogue') }}

),

signatures as (

    select * from {{ ref('persona_signatures') }}

),

labels as (

    select * from {{ ref('feature_labels') }}

),

segments as (

    select distinct segment_id from statistics

),

signature_checks as (

    select
        segments.segment_id,
        signatures.persona_name,
        signatures.feature,
        statistics.centroid_z,
        case
            when signatures.level = 'high' then statistics.centroid_z
            else -statistics.centroid_z
        end as directed_z

    from segments
    cross join signatures
    left join statistics
        on segments.segment_id = statistics.segment_id
        and signatures.feature = statistics.feature

),

matches as (

    select
        segment_id,
        persona_name,
        avg(directed_z) as match_score

    from signature_checks
    group by all
    having bool_and(coalesce(directed_z >= {{ min_z }}, false))

),

mutual_best as (

    select
        segment_id,
        persona_name,
        match_score

    from matches
    qualify
        row_number() over (partition by segment_id order by match_score desc, persona_name) = 1
        and row_number() over (partition by persona_name order by match_score desc, segment_id) = 1

),

traits as (

    select
        statistics.segment_id,
        statistics.feature,
        statistics.centroid_z,
        case
            when statistics.centroid_z >= 0
                then coalesce(labels.high_label, 'High ' || statistics.feature)
            else coalesce(labels.low_label, 'Low ' || statistics.feature)
        end as trait_label,
        row_number() over (
            partition by statistics.segment_id
            order by abs(statistics.centroid_z) desc, statistics.feature
        ) as trait_rank

    from statistics
    left join labels on statistics.feature = labels.feature

),

key_traits as (

    select
        segment_id,
        string_agg(trait_label, ' · ' order by trait_rank) filter (where trait_rank <= 2) as descriptive_name,
        string_agg(
            trait_label || ' (z ' || printf('%+.2f', centroid_z) || ')', ', ' order by trait_rank
        ) filter (where trait_rank <= 3) as key_traits

    from traits
    group by all

),

named as (

    select
        segments.segment_id,
        coalesce(mutual_best.persona_name, key_traits.descriptive_name) as segment_name,
        coalesce(
            catalogue.description,
            'No catalogue persona matches; strongest traits: ' || key_traits.key_traits || '.'
        ) as segment_description,
        coalesce(
            catalogue.suggested_action,
            'Profile further before targeting; start from its strongest traits ('
            || key_traits.descriptive_name || ') and test a small campaign against a control group.'
        ) as suggested_action,
        key_traits.key_traits,
        mutual_best.match_score as persona_match_score,
        mutual_best.persona_name is not null as is_catalogue_persona

    from segments
    inner join key_traits on segments.segment_id = key_traits.segment_id
    left join mutual_best on segments.segment_id = mutual_best.segment_id
    left join catalogue on mutual_best.persona_name = catalogue.persona_name

),

deduplicated as (

    -- Two unmatched segments can share their strongest traits: number the later ones.
    select
        * replace (
            case
                when count(*) over (partition by segment_name) > 1 and not is_catalogue_persona
                    then segment_name || ' (' || segment_id || ')'
                else segment_name
            end as segment_name
        )

    from named

)

select * from deduplicated
