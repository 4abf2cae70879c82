{#- The few constructs that differ between SQL engines, behind adapter.dispatch: each macro has the
    DuckDB spelling (duckdb__) and, where one exists, a standard spelling other engines accept (default__).
    Everything else in the project is written in SQL that DuckDB and Spark SQL both read the same way. -#}

{#- --- Files ------------------------------------------------------------------------------------------- -#}

{% macro duckdb__input_file_exists(path) %}
    {%- set matches = run_query("select count(*) from glob(" ~ sql_string(path) ~ ")").columns[0].values()[0] -%}
    {{ return(matches > 0) }}
{% endmacro %}

{#- UTF-8 unless the file is an uncompressed CSV that is not valid UTF-8 (then latin-1): reading the whole
    file is the only sure test, which is why the files are probed once per build. -#}
{% macro duckdb__detected_file_encoding(path) %}
    {%- if not (path | lower).endswith('.csv') -%}{{ return('utf-8') }}{%- endif -%}
    {%- set invalid = run_query(
        "select count(*) from read_blob(" ~ sql_string(path) ~ ") where try(decode(content)) is null"
    ).columns[0].values()[0] -%}
    {{ return('latin-1' if invalid > 0 else 'utf-8') }}
{% endmacro %}

{% macro duckdb__file_column_names(reader) %}
    {{ return(run_query("describe select * from " ~ reader).columns[0].values() | list) }}
{% endmacro %}

{% macro duckdb__file_reader(path, encoding) -%}
    {%- if (path | lower).endswith('.parquet') -%}
        read_parquet({{ sql_string(path) }}, filename = true)
    {%- else -%}
        read_csv({{ sql_string(path) }}, header = true, all_varchar = true, filename = true
                 {%- if encoding != 'utf-8' %}, encoding = {{ sql_string(encoding) }}{% endif %})
    {%- endif -%}
{%- endmacro %}

{#- The rows of an input file (or glob) with their position in the input as read (1 = the first data row,
    files in name order): a relation with a column source_row_number beside the file's columns and
    filename. Parquet files carry their row positions, which keeps the read parallel; a CSV is numbered
    in the order DuckDB reads it, which is the file's order. -#}
{% macro duckdb__positioned_file_reader(path, encoding) -%}
    {%- if (path | lower).endswith('.parquet') -%}
    (
        select
            file_rows.file_row_number + 1 + file_offsets.rows_before as source_row_number,
            file_rows.*
        from read_parquet({{ sql_string(path) }}, filename = true, file_row_number = true) as file_rows
        -- A left join: a file missing from the metadata would leave its rows unnumbered (and fail the
        -- row_positions_complete test) rather than drop them silently.
        left join (
            select
                file_name,
                coalesce(sum(num_rows) over (order by file_name rows between unbounded preceding and 1 preceding), 0)
                    as rows_before
            from parquet_file_metadata({{ sql_string(path) }})
        ) as file_offsets on file_rows.filename = file_offsets.file_name
    ) as positioned_rows
    {%- else -%}
    (
        select row_number() over () as source_row_number, file_rows.*
        from {{ duckdb__file_reader(path, encoding) }} as file_rows
    ) as positioned_rows
    {%- endif -%}
{%- endmacro %}

{#- A CTE read several times is computed again each time rather than held in memory: for an input's
    rows, which are cheap to read again and too many to hold. Engines that always inline CTEs need
    nothing. Usage: `rows as {{ inlined_cte() }} (...)`. -#}
{% macro inlined_cte() -%}
    {{ return(adapter.dispatch('inlined_cte', 'segments')()) }}
{%- endmacro %}

{% macro default__inlined_cte() -%}{%- endmacro %}

{% macro duckdb__inlined_cte() -%}not materialized{%- endmacro %}

{#- --- Values ------------------------------------------------------------------------------------------ -#}

{#- Text to timestamp: the strptime formats first (a list, tried in order), then the ISO form. -#}
{% macro duckdb__parse_timestamp(text, formats) -%}
    {%- if formats | length == 0 -%}
        try_cast({{ text }} as timestamp)
    {%- else -%}
        coalesce(
            try_strptime({{ text }}, [{% for f in formats %}{{ sql_string(f) }}{{ ", " if not loop.last }}{% endfor %}]),
            try_cast({{ text }} as timestamp)
        )
    {%- endif -%}
{%- endmacro %}

{#- True for a finite number, false for NaN and +/- infinity, NULL for NULL. -#}
{% macro is_finite(expression) -%}
    {{ return(adapter.dispatch('is_finite', 'segments')(expression)) }}
{%- endmacro %}

{% macro default__is_finite(expression) -%}
    ({{ expression }} = {{ expression }} and abs({{ expression }}) < cast('Infinity' as double))
{%- endmacro %}

{% macro duckdb__is_finite(expression) -%}
    isfinite({{ expression }})
{%- endmacro %}

{#- 1 for Saturday and Sunday, else 0. Engines number weekdays differently (DuckDB 0-6 from Sunday,
    Spark 1-7 from Sunday); the ISO day of week (1 Monday .. 7 Sunday) is read the same way by both. -#}
{% macro is_weekend(timestamp_expression) -%}
    {{ return(adapter.dispatch('is_weekend', 'segments')(timestamp_expression)) }}
{%- endmacro %}

{% macro default__is_weekend(timestamp_expression) -%}
    (extract(dayofweek_iso from {{ timestamp_expression }}) >= 6)
{%- endmacro %}

{% macro duckdb__is_weekend(timestamp_expression) -%}
    (isodow({{ timestamp_expression }}) >= 6)
{%- endmacro %}

{#- Several exact quantiles of one column in one aggregate: [p1, p2, ...] -> the expression of a list
    (indexed from 1 by list_element / element_at). -#}
{% macro quantiles(expression, probabilities) -%}
    {{ return(adapter.dispatch('quantiles', 'segments')(expression, probabilities)) }}
{%- endmacro %}

{% macro default__quantiles(expression, probabilities) -%}
    percentile({{ expression }}, array({{ probabilities | join(', ') }}))
{%- endmacro %}

{#- One aggregate state for every quantile of the column (separate quantile aggregates would each hold
    every value). -#}
{% macro duckdb__quantiles(expression, probabilities) -%}
    quantile_cont({{ expression }}, [{{ probabilities | join(', ') }}])
{%- endmacro %}

{#- Element `position` (1-based) of a list. -#}
{% macro list_element(expression, position) -%}
    {{ return(adapter.dispatch('list_element', 'segments')(expression, position)) }}
{%- endmacro %}

{% macro default__list_element(expression, position) -%}
    element_at({{ expression }}, {{ position }})
{%- endmacro %}

{% macro duckdb__list_element(expression, position) -%}
    list_extract({{ expression }}, {{ position }})
{%- endmacro %}

{#- A record as JSON text: pairs is a list of [key, SQL expression]. -#}
{% macro json_record(pairs) -%}
    {{ return(adapter.dispatch('json_record', 'segments')(pairs)) }}
{%- endmacro %}

{% macro default__json_record(pairs) -%}
    to_json(named_struct({% for key, expression in pairs %}{{ sql_string(key) }}, {{ expression }}{{ ", " if not loop.last }}{% endfor %}))
{%- endmacro %}

{% macro duckdb__json_record(pairs) -%}
    cast(json_object({% for key, expression in pairs %}{{ sql_string(key) }}, {{ expression }}{{ ", " if not loop.last }}{% endfor %}) as string)
{%- endmacro %}
