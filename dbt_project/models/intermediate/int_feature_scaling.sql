{#- One row per model feature: the standardization parameters, computed on the transformed, clipped
    values. scale is the population standard deviation; a constant feature gets scale 0 and every
    customer's standardized value is 0 (it cannot separate anyone, and nothing divides by zero). -#}

with transformed as (

    select * from {{ ref('int_customer_feature_values_transformed') }}

),

scaling as (

    select
        feature,
        avg(transformed_value) as scaling_center,
        coalesce(stddev_pop(transformed_value), 0) as scaling_scale

    from transformed
    group by all

)

select * from scaling
