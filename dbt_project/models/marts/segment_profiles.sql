{#- One row per segment: name, description, size and share, suggested action, and per model feature its
    mean and median (feature units) and z-score lift against all customers. The per-feature columns
    follow the configured features, so this mart carries no contract; segment_centroids holds the same
    numbers in long form with one. -#}
{%- set features = model_features() -%}

with statistics as (

    select * from {{ ref('int_segment_feature_statistics') }}

),

segment_labels as (

    select * from {{ ref('int_segment_labels') }}

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
        segment_labels.segment_id::integer as segment_id,
        segment_labels.segment_name,
        segment_labels.segment_description,
        segment_labels.key_traits,
        segment_labels.suggested_action,
        sizes.customers::bigint as customers,
        sizes.customers / sum(sizes.customers) over () as customer_share,
        segment_labels.persona_match_score,
        segment_labels.is_catalogue_persona,
        wide.* exclude (segment_id)

    from segment_labels
    inner join sizes on segment_labels.segment_id = sizes.segment_id
    inner join wide on segment_labels.segment_id = wide.segment_id

)

select * from final
order by segment_id
