{#- Every numeric column of the model must be finite and not NULL: no NaN or infinity reaches BI.
    Columns listed in `nullable` may be NULL (but still not NaN or infinite). -#}
{% test finite_values(model, nullable=[]) %}

{%- set numeric_columns = [] -%}
{%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
        {%- if column.dtype | lower in ['double', 'float', 'real', 'decimal'] or (column.dtype | lower).startswith('decimal') -%}
            {%- do numeric_columns.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}

select *
from {{ model }}
where false
{%- for column in numeric_columns %}
   or {% if column not in nullable %}{{ column }} is null or {% endif %}not {{ is_finite("coalesce(" ~ column ~ ", 0)") }}
{%- endfor %}

{% endtest %}
