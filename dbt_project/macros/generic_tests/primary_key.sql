{#- The key identifies each row: never NULL and never repeated. The key is the column the test is placed
    under, or `columns` (several columns together). One query for what unique and not_null check apart.
    Key columns listed in `nullable` may be NULL, where NULL has a meaning (e.g. all customers rather than
    one segment): NULL then counts as one value of the key. -#}
{% test primary_key(model, column_name=none, columns=none, nullable=[]) %}
{%- set key_columns = columns if columns is not none else [column_name] %}

select
    {{ key_columns | join(', ') }},
    count(*) as rows_with_key

from {{ model }}
group by {{ key_columns | join(', ') }}
having count(*) > 1
    {%- for column in key_columns if column not in nullable %}
    or {{ column }} is null
    {%- endfor %}

{% endtest %}
