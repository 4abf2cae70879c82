{#- Long format: each customer's feature value transformed and clipped to the feature's fences. -#}

with feature_values as (

    select * from {{ ref('int_customer_feature_values') }}

),

transforms as (

    select * from {{ ref('int_feature_transforms') }}

),

transformed as (

    select
        feature_values.customer_id,
        feature_values.feature,
        feature_values.feature_value,
        case
            when transforms.transform = 'log1p' then ln(1 + feature_values.feature_value)
            else feature_values.feature_value
        end as unclipped_value,
        transforms.lower_fence,
        transforms.upper_fence,
        feature_values.is_imputed

    from feature_values
    inner join transforms on feature_values.feature = transforms.feature

),

clipped as (

    select
        customer_id,
        feature,
        feature_value,
        least(greatest(unclipped_value, lower_fence), upper_fence) as transformed_value,
        is_imputed,
        unclipped_value < lower_fence or unclipped_value > upper_fence as is_clipped

    from transformed

)

select * from clipped
