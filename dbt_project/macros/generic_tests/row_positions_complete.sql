{#- For a table built one row per row read: its positions are 1..n, each once. Checked with aggregates -
    n rows, none NULL, smallest 1, largest n, and the sum of the positions that of 1..n (a repeated
    position would have to be offset by missing ones of the same total) - instead of grouping every row
    as a primary key test does, which for tens of millions of events costs more than the validation it
    checks. -#}
{% test row_positions_complete(model, column_name) %}

with positions as (

    select cast({{ column_name }} as bigint) as position
    from {{ model }}

)

select
    count(*) as rows_read,
    min(position) as first_position,
    max(position) as last_position

from positions
having count(*) > 0
    and (
        count(position) <> count(*)
        or min(position) <> 1
        or max(position) <> count(*)
        or sum(position) * 2 <> count(*) * (count(*) + 1)
    )

{% endtest %}
