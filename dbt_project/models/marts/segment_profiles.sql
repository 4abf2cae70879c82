{#- One row per segment: name, description, size and share, suggested action, and per model feature its
    mean and median (feature units) and z-score lift against all customers. The per-feature columns
    follow the configured features, so this mart carries no contract; segment_centroids holds the same
    numbers in long form with one. -#}
{%- set features = model_features() -%}

with statistics as (

    select * from {{ ref('int_segment_feature_statistics') }}

),

personas as (

    select * from {{ ref('int_segment_personas') }}

),

sizes as (

    select
        segment_id,
        any_value(customers) as customers

    from statistics
    group by all

),

wide as (

    select
        segment_id,
        {%- for feature in features %}
        max(case when feature = '{{ feature }}' then mean_value end) as {{ feature }}_mean,
        max(case when feature = '{{ feature }}' then median_value end) as {{ feature }}_median,
        max(case when feature = '{{ feature }}' then centroid_z end) as {{ feature }}_lift_z{{ "," if not loop.last }}
        {%- endfor %}

    from statistics
    group by all

),

final as (

    select
        personas.segment_id::integer as segment_id,
        personas.segment_name,
        personas.segment_description,
        personas.key_traits,
        personas.suggested_action,
        sizes.customers::bigint as customers,
        sizes.customers / sum(sizes.customers) over () as customer_share,
        personas.persona_match_score,
        personas.is_catalogue_persona,
        wide.* exclude (segment_id)

    from personas
    inner join sizes on personas.segment_id = sizes.segment_id
    inner join wide on personas.segment_id = wide.segment_id

)

select * from final
order by segment_id
