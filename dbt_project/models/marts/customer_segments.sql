{#- One row per customer: the segment, how well the customer fits it and what sets the customer apart.
    distinguishing_features: the customer's two features furthest from the all-customer mean
    (standardized), with their direction. -#}
{%- set features = model_features() -%}

with assignments as (

    select * from {{ ref('int_segment_assignments') }}

),

segment_labels as (

    select * from {{ ref('int_segment_labels') }}

),

standardized as (

    select * from {{ ref('int_customer_features_standardized') }}

),

labels as (

    select * from {{ ref('feature_labels') }}

),

customer_traits as (

    select
        standardized.customer_id,
        unpivoted.feature,
        unpivoted.standardized_value

    from standardized
    cross join lateral (
        values
        {%- for feature in features %}
            ('{{ feature }}', standardized.{{ feature }}){{ "," if not loop.last }}
        {%- endfor %}
    ) as unpivoted (feature, standardized_value)

),

ranked_traits as (

    select
        customer_traits.customer_id,
        case
            when customer_traits.standardized_value >= 0
                then coalesce(labels.high_label, 'High ' || customer_traits.feature)
            else coalesce(labels.low_label, 'Low ' || customer_traits.feature)
        end as trait_label,
        row_number() over (
            partition by customer_traits.customer_id
            order by abs(customer_traits.standardized_value) desc, customer_traits.feature
        ) as trait_rank

    from customer_traits
    left join labels on customer_traits.feature = labels.feature

),

distinguishing as (

    select
        customer_id,
        string_agg(trait_label, ', ' order by trait_rank) as distinguishing_features

    from ranked_traits
    where trait_rank <= 2
    group by all

),

final as (

    select
        assignments.customer_id::varchar as customer_id,
        assignments.segment_id::integer as segment_id,
        segment_labels.segment_name,
        distinguishing.distinguishing_features,
        assignments.distance_to_centroid::double as distance_to_centroid,
        assignments.confidence::double as confidence,
        assignments.silhouette::double as silhouette

    from assignments
    inner join segment_labels on assignments.segment_id = segment_labels.segment_id
    inner join distinguishing on assignments.customer_id = distinguishing.customer_id

)

select * from final
