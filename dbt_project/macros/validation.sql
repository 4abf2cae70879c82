{#- Duplicate detection shared by the validation models, by aggregation: a 64-bit hash of the compared
    columns groups the rows, and only rows whose hash occurs more than once (a few percent at most) are
    compared column by column. No window runs over every row, and nothing sorts the whole input. -#}

{#- A 64-bit hash of several columns (NULL hashes like any other value). -#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash', 'segments')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{% macro duckdb__row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro null_safe_equal(left, right, columns) -%}
    {%- for column in columns -%}
        {{ left }}.{{ column }} is not distinct from {{ right }}.{{ column }}{{ " and " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- CTEs finding the exact copies among the rows of CTE `rows` (which has source_row_number and the
    `columns`): ends with <name> (source_row_number, original_source_row_number, copy_number), one row per
    row whose columns all equal (NULL equal to NULL) those of an earlier row - the original is the first
    such row in the input, and copy_number counts the copies (2 = the first copy). Followed by a comma. -#}
{% macro exact_copies_ctes(rows, columns, name) %}
{{ name }}_shared_hashes as (

    select {{ row_hash(columns) }} as row_hash
    from {{ rows }}
    group by {{ row_hash(columns) }}
    having count(*) > 1

),

{{ name }}_candidates as (

    select
        source_row_number,
        {{ columns | join(', ') }}
    from {{ rows }}
    where {{ row_hash(columns) }} in (select row_hash from {{ name }}_shared_hashes)

),

{{ name }}_originals as (

    select
        {{ columns | join(', ') }},
        min(source_row_number) as original_source_row_number
    from {{ name }}_candidates
    group by {{ columns | join(', ') }}
    having count(*) > 1

),

{{ name }} as (

    select
        candidates.source_row_number,
        originals.original_source_row_number,
        1 + count(*) over (
            partition by originals.original_source_row_number
            order by candidates.source_row_number
            rows between unbounded preceding and current row
        ) as copy_number

    from {{ name }}_candidates as candidates
    inner join {{ name }}_originals as originals
        on {{ null_safe_equal('candidates', 'originals', columns) }}
    where candidates.source_row_number <> originals.original_source_row_number

),
{% endmacro %}
