{#- One row per customer, one column per model feature: the standardized value (z-score) the clustering
    sees. Ordered by customer id so the matrix, and every sample drawn from it, is reproducible. -#}
{%- set features = model_features() -%}

with transformed as (

    select * from {{ ref('int_customer_feature_values_transformed') }}

),

scaling as (

    select * from {{ ref('int_feature_scaling') }}

),

standardized as (

    select
        transformed.customer_id,
        transformed.feature,
        case
            when scaling.scaling_scale > 0
                then (transformed.transformed_value - scaling.scaling_center) / scaling.scaling_scale
            else 0
        end as standardized_value

    from transformed
    inner join scaling on transformed.feature = scaling.feature

),

pivoted as (

    select
        customer_id,
        {%- for feature in features %}
        max(case when feature = '{{ feature }}' then standardized_value end) as {{ feature }}{{ "," if not loop.last }}
        {%- endfor %}

    from standardized
    group by all

)

select * from pivoted
order by customer_id
