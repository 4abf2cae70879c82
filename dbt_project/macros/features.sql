{#- The behaviour features of the customer table and the derived ratios that can be computed from them. -#}

{% macro customer_features() %}
    {{ return(var('customer_features')) }}
{% endmacro %}

{% macro derived_ratios() %}
    {%- set ratios = {} -%}
    {%- for name, parts in (var('derived_ratios') or {}).items() -%}
        {%- if parts[0] in customer_features() and parts[1] in customer_features() -%}
            {%- do ratios.update({name: parts}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ratios) }}
{% endmacro %}

{#- Every feature the model sees, in a fixed order: behaviour features, then ratios. -#}
{% macro model_features() %}
    {{ return(customer_features() + (derived_ratios().keys() | list)) }}
{% endmacro %}

{#- A derived ratio: numerator / denominator, 0 when the denominator is 0 (no purchases, no share). -#}
{% macro ratio_expression(numerator, denominator, relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    coalesce({{ prefix }}{{ numerator }} / nullif({{ prefix }}{{ denominator }}, 0), 0)
{%- endmacro %}
