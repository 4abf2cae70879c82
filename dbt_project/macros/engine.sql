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

{#- The position of a row in the input as read (1 = the first data row). DuckDB keeps the file order. -#}
{% macro duckdb__source_row_number() -%}
    row_number() over ()
{%- endmacro %}

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
