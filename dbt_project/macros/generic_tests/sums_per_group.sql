{#- The column sums to `expected` per group of rows (the columns `group_by`, NULL counting as one value;
    none: the whole table, where an empty table passes). `expected` is an SQL expression evaluated per
    group, e.g. 1 for shares, or max(population_customers) for counts that must account for every
    customer. Groups whose sum is off by more than `tolerance` fail. -#}
{% test sums_per_group(model, column_name, expected, group_by=[], tolerance=1e-9) %}

select
    {%- for column in group_by %}
    {{ column }},
    {%- endfor %}
    sum({{ column_name }}) as column_sum,
    {{ expected }} as expected_sum

from {{ model }}
{%- if group_by %}
group by {{ group_by | join(', ') }}
{%- endif %}
having count(*) > 0
    and not coalesce(abs(sum({{ column_name }}) - ({{ expected }})) <= {{ tolerance }}, false)

{% endtest %}
