{#- One row per customer: the segment, how well the customer fits it and what sets the customer apart.
    distinguishing_features: the customer's two features furthest from the all-customer mean (largest
    absolute standardized value; ties by feature name), with their direction. Found row by row with
    greatest() and case over the wide row: no unpivot and no window over customers x features. -#}
{%- set specs = candidate_feature_specs() | sort(attribute='name') -%}
{%- set features = specs | map(attribute='name') | list -%}
{%- set distance = {} -%}
{%- set label = {} -%}
{%- for spec in specs -%}
    {%- set feature = spec.name -%}
    {%- do distance.update({feature: 'abs(coalesce(' ~ feature ~ '_z, 0))'}) -%}
    {%- do label.update({feature: 'case when coalesce(' ~ feature ~ '_z, 0) >= 0 then ' ~ sql_string(spec.high_label)
                                  ~ ' else ' ~ sql_string(spec.low_label) ~ ' end'}) -%}
{%- endfor %}

with assignments as (

    select * from {{ ref('int_customers_segmented') }}

),

segment_labels as (

    select * from {{ ref('int_segments_labelled') }}

),

features as (

    select * from {{ ref('customer_features') }}

),

strongest as (

    select
        *,
        case
            {%- for feature in features %}
            when {{ distance[feature] }} = greatest({% for other in features %}{{ distance[other] }}{{ ", " if not loop.last }}{% endfor %})
                then {{ sql_string(feature) }}
            {%- endfor %}
        end as first_feature

    from features

),

second_strongest as (

    select
        *,
        case
            {%- for feature in features %}
            when first_feature <> {{ sql_string(feature) }}
                and {{ distance[feature] }} = greatest(
                    {%- for other in features -%}
                    case when first_feature <> {{ sql_string(other) }} then {{ distance[other] }} else -1 end
                    {{- ", " if not loop.last }}
                    {%- endfor %})
                then {{ sql_string(feature) }}
            {%- endfor %}
        end as second_feature

    from strongest

),

distinguishing as (

    select
        customer_id,
        concat_ws(
            ', ',
            case first_feature
                {%- for feature in features %}
                when {{ sql_string(feature) }} then {{ label[feature] }}
                {%- endfor %}
            end,
            case second_feature
                {%- for feature in features %}
                when {{ sql_string(feature) }} then {{ label[feature] }}
                {%- endfor %}
            end
        ) as distinguishing_features

    from second_strongest

),

final as (

    select
        cast(assignments.customer_id as string) as customer_id,
        cast(assignments.segment_id as integer) as segment_id,
        segment_labels.segment_name,
        distinguishing.distinguishing_features,
        cast(assignments.distance_to_centroid as double) as distance_to_centroid,
        cast(assignments.confidence as double) as confidence,
        cast(assignments.is_far_from_centroids as boolean) as is_far_from_segments

    from assignments
    inner join segment_labels on assignments.segment_id = segment_labels.segment_id
    inner join distinguishing on assignments.customer_id = distinguishing.customer_id

)

select * from final
