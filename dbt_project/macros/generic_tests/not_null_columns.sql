{#- None of the listed columns is NULL: one query for what a not_null test per column checks. -#}
{% test not_null_columns(model, columns) %}

select *
from {{ model }}
where false
{%- for column in columns %}
   or {{ column }} is null
{%- endfor %}

{% endtest %}
