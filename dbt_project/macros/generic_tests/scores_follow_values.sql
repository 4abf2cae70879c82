{#- Scores that point the right way: a higher score never goes with a worse value. direction 'higher'
    (a higher value is better, e.g. frequency) or 'lower' (a lower value is better, e.g. recency_days).
    Fails with one row per pair of adjacent scores whose value ranges overlap the wrong way: with
    'higher', every customer of score s + 1 must have a value at least as high as every customer of
    score s. Quantile scores from ranks satisfy it (ties share a score); a score computed in the
    opposite order fails it. -#}
{% test scores_follow_values(model, column_name, value_column, direction) %}
{%- if direction not in ['higher', 'lower'] -%}
    {{ exceptions.raise_compiler_error("scores_follow_values: direction must be 'higher' or 'lower'") }}
{%- endif %}

with ranges as (

    select
        {{ column_name }} as score,
        min({{ value_column }}) as lowest_value,
        max({{ value_column }}) as highest_value

    from {{ model }}
    where {{ column_name }} is not null and {{ value_column }} is not null
    group by {{ column_name }}

),

ordered as (

    select
        score,
        lowest_value,
        highest_value,
        lag(score) over (order by score) as previous_score,
        lag(lowest_value) over (order by score) as previous_lowest_value,
        lag(highest_value) over (order by score) as previous_highest_value

    from ranges

)

select
    previous_score,
    score,
    previous_lowest_value,
    previous_highest_value,
    lowest_value,
    highest_value

from ordered
where previous_score is not null
    {%- if direction == 'higher' %}
    and lowest_value < previous_highest_value
    {%- else %}
    and highest_value > previous_lowest_value
    {%- endif %}

{% endtest %}
