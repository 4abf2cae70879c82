{#- One row per customer: every candidate feature in its own units (missing values filled by the
    feature's rule, see int_customer_feature_values), the standardized values (suffix _z; the clustering
    used those int_feature_selection marks as model features) and, per behaviour feature (counts, amounts,
    days), the imputation flag is_<feature>_imputed. Columns follow the inputs and configured features. -#}
{%- set specs = candidate_feature_specs() -%}

with feature_values as (

    select * from {{ ref('int_customer_feature_values') }}

),

standardized as (

    select * from {{ ref('int_customer_features_standardized') }}

),

wide as (

    select
        customer_id,
        {%- for spec in specs %}
        max(case when feature = '{{ spec.name }}' then feature_value end) as {{ spec.name }},
        {%- endfor %}
        {%- for spec in specs if spec.kind == 'behaviour' %}
        bool_or(case when feature = '{{ spec.name }}' then is_imputed end) as is_{{ spec.name }}_imputed,
        {%- endfor %}

    from feature_values
    group by all

),

final as (

    select
        wide.customer_id,
        {%- for spec in specs %}
        wide.{{ spec.name }},
        {%- endfor %}
        {%- for spec in specs %}
        standardized.{{ spec.name }} as {{ spec.name }}_z,
        {%- endfor %}
        {%- for spec in specs if spec.kind == 'behaviour' %}
        wide.is_{{ spec.name }}_imputed,
        {%- endfor %}

    from wide
    inner join standardized on wide.customer_id = standardized.customer_id

)

select * from final
