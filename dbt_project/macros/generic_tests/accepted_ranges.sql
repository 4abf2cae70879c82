{#- Each listed column lies in its range: ranges maps a column to {min_value, max_value} (either may be
    left out). NULL, NaN and infinite values fail, as in accepted_range; one query for all the columns. -#}
{% test accepted_ranges(model, ranges) %}

select *
from {{ model }}
where false
{%- for column, bounds in ranges.items() %}
   or {{ column }} is null
   or not {{ is_finite(column) }}
   {%- if bounds.min_value is defined and bounds.min_value is not none %}
   or {{ column }} < {{ bounds.min_value }}
   {%- endif %}
   {%- if bounds.max_value is defined and bounds.max_value is not none %}
   or {{ column }} > {{ bounds.max_value }}
   {%- endif %}
{%- endfor %}

{% endtest %}
