{#- The model holds exactly `expected` rows (a one-row summary, for instance). -#}
{% test row_count(model, expected) %}

select count(*) as model_rows
from {{ model }}
having count(*) <> {{ expected }}

{% endtest %}
