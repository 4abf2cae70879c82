{#- Values outside [min_value, max_value] fail, and so do NULL, NaN and infinite values. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}

select *
from {{ model }}
where {{ column_name }} is null
   or not {{ is_finite(column_name) }}
   {%- if min_value is not none %}
   or {{ column_name }} < {{ min_value }}
   {%- endif %}
   {%- if max_value is not none %}
   or {{ column_name }} > {{ max_value }}
   {%- endif %}

{% endtest %}
