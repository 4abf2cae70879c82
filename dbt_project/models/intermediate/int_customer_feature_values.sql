{#- Long format, one row per customer and model feature: behaviour features after imputation and the
    derived ratios (numerator / denominator, 0 when the denominator is 0). Statistics are computed over
    this shape, whatever the configured features are. -#}
{%- set features = customer_features() -%}
{%- set ratios = derived_ratios() -%}

with customers as (

    select * from {{ ref('int_customers_imputed') }}

),

behaviour_values as (

    {%- for feature in features %}
    select
        customer_id,
        '{{ feature }}' as feature,
        'behaviour' as feature_kind,
        {{ feature }} as feature_value,
        is_{{ feature }}_imputed as is_imputed
    from customers
    {{ "union all" if not loop.last }}
    {%- endfor %}

),

ratio_values as (

    {%- if ratios %}
    {%- for name, parts in ratios.items() %}
    select
        customer_id,
        '{{ name }}' as feature,
        'ratio' as feature_kind,
        {{ ratio_expression(parts[0], parts[1]) }} as feature_value,
        is_{{ parts[0] }}_imputed or is_{{ parts[1] }}_imputed as is_imputed
    from customers
    {{ "union all" if not loop.last }}
    {%- endfor %}
    {%- else %}
    select * from behaviour_values where false
    {%- endif %}

),

unioned as (

    select * from behaviour_values
    union all
    select * from ratio_values

)

select * from unioned
