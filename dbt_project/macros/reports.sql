{#- Building blocks of the report marts (models/marts/reports): the customers' feature values in long
    form, and equal-width bins. Written in SQL that DuckDB and Spark SQL read the same way. -#}

{#- Every customer's value of every candidate feature, long: one row per customer and feature with a
    value, from `customer_rows` (int_customer_features_segmented). Columns: feature;
    segment_id; feature_value in the feature's units as customer_features holds it (filled); model_value,
    the same on the model's scale (the transform of the model version in use, as feature_summary gives it;
    not clipped); z_value, the standardized value the model saw. An unpivot for the query that reads it,
    never stored; unpivoted, so that Spark reads `customer_rows` once. -#}
{% macro customer_feature_values(customer_rows) -%}
    {%- set entries = [] -%}
    {%- for spec in candidate_feature_specs() -%}
    {%- do entries.append(['segment_id', sql_string(spec.name), spec.name, spec.name ~ '_z']) -%}
    {%- endfor %}
    select
        long_values.feature,
        long_values.segment_id,
        long_values.feature_value,
        {{ transformed_value('summary.transform', 'long_values.feature_value') }} as model_value,
        long_values.z_value

    from (
        {{ unpivoted(customer_rows, ['segment_id', 'feature', 'feature_value', 'z_value'], entries) }}
    ) as long_values
    inner join {{ ref('feature_summary') }} as summary on long_values.feature = summary.feature
    where long_values.feature_value is not null
{%- endmacro %}

{#- The quantiles that bound a histogram's range: the middle 99.8% of the values, so that a handful of
    extreme customers do not squeeze everyone else into one bin. Values beyond count in the end bins. -#}
{% macro histogram_range_quantiles() %}
    {{ return([0.001, 0.999]) }}
{% endmacro %}

{#- The numbers 0 .. count - 1 as a relation with one column, bin. -#}
{% macro bin_numbers(count) -%}
    {%- for bin in range(count) %}
    select {{ bin }} as bin{% if not loop.last %} union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- How many equal-width bins a range [low, high] gets: `bins`, or one when the range is a single value. -#}
{% macro bin_count(low, high, bins) -%}
    case when {{ high }} > {{ low }} then {{ bins }} else 1 end
{%- endmacro %}

{#- The width of those bins (1 for a single value, so that no division is by zero). -#}
{% macro bin_width(low, high, bins) -%}
    case when {{ high }} > {{ low }} then ({{ high }} - {{ low }}) / {{ bins }} else 1.0 end
{%- endmacro %}

{#- The bin (0 .. bin_count - 1) a value falls in: bin b holds [low + b * width, low + (b + 1) * width),
    values below low count in the first bin, values at or above the top in the last. The division's guess
    is checked against the edges computed as above, so that a value on an edge (0.5 of a ratio, a whole
    number) lands in the bin whose published lower edge it is, not one below by a rounding error. -#}
{% macro equal_width_bin(value, low, width, bin_count) -%}
    {%- set guess = 'floor((' ~ value ~ ' - ' ~ low ~ ') / ' ~ width ~ ')' -%}
    cast(least({{ bin_count }} - 1, greatest(0,
        {{ guess }}
        + case
            when {{ value }} >= {{ low }} + ({{ guess }} + 1) * {{ width }} then 1
            when {{ value }} < {{ low }} + {{ guess }} * {{ width }} then -1
            else 0
        end
    )) as integer)
{%- endmacro %}
