{#- One row per customer: the cleaned behaviour features (feature units, missing values imputed), the
    imputation flags, the derived ratios and the standardized values the model saw (suffix _z). -#}
{%- set features = customer_features() -%}
{%- set ratios = derived_ratios() -%}

with customers as (

    select * from {{ ref('int_customers_imputed') }}

),

standardized as (

    select * from {{ ref('int_customer_features_standardized') }}

),

final as (

    select
        customers.customer_id,
        {%- for feature in features %}
        customers.{{ feature }},
        {%- endfor %}
        {%- for name, parts in ratios.items() %}
        {{ ratio_expression(parts[0], parts[1], "customers") }} as {{ name }},
        {%- endfor %}
        {%- for feature in model_features() %}
        standardized.{{ feature }} as {{ feature }}_z,
        {%- endfor %}
        {%- for feature in features %}
        customers.is_{{ feature }}_imputed{{ "," if not loop.last }}
        {%- endfor %}

    from customers
    inner join standardized on customers.customer_id = standardized.customer_id

)

select * from final
