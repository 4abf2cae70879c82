{#- Reading the user's files. Every input is read as text and mapped to canonical column names by the
    `<input>_columns` var, so that cleaning can catch and report values that do not parse. -#}

{% macro input_names() %}
    {{ return(['customers', 'transactions', 'events', 'coupon_redemptions']) }}
{% endmacro %}

{% macro any_input_configured() %}
    {%- for name in input_names() -%}
        {%- if var(name ~ '_path', none) is not none -%}{{ return(true) }}{%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{% endmacro %}

{#- The file behind an input, or none when the input is absent. With no input configured at all, the
    customer table is the generated demo data. -#}
{% macro input_path(input_name) %}
    {%- set path = var(input_name ~ '_path', none) -%}
    {%- if path is none and input_name == 'customers' and not any_input_configured() -%}
        {%- set path = var('demo_customers_path') -%}
    {%- endif -%}
    {{ return(path) }}
{% endmacro %}

{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{% macro sql_identifier(name) -%}
    "{{ name | string | replace('"', '""') }}"
{%- endmacro %}

{#- Table function reading the file as text: Parquet by extension, otherwise CSV (plain or gzipped; the
    delimiter, quoting and header are detected). -#}
{% macro file_reader(path) -%}
    {%- if (path | lower).endswith('.parquet') -%}
        read_parquet({{ sql_string(path) }}, filename = true)
    {%- else -%}
        read_csv({{ sql_string(path) }}, header = true, all_varchar = true, filename = true)
    {%- endif -%}
{%- endmacro %}

{#- Column names of the file, checked at run time: the file must exist and hold the mapped columns. -#}
{% macro input_file_columns(input_name, path) %}
    {%- set matches = run_query("select count(*) from glob(" ~ sql_string(path) ~ ")").columns[0].values()[0] -%}
    {%- if matches == 0 -%}
        {{ exceptions.raise_compiler_error("file not found: " ~ path ~ " (var " ~ input_name ~ "_path)") }}
    {%- endif -%}
    {%- set described = run_query("describe select * from " ~ file_reader(path)) -%}
    {{ return(described.columns[0].values() | list) }}
{% endmacro %}

{#- Whether an input is given (its path var is set; for customers also the demo default). -#}
{% macro input_is_present(input_name) %}
    {{ return(input_path(input_name) is not none) }}
{% endmacro %}

{#- Whether a present input's file holds a (canonical) column, after the `<input>_columns` mapping.
    Checked at run time; while dbt only parses, every column counts as present. -#}
{% macro input_has_column(input_name, column) %}
    {%- set path = input_path(input_name) -%}
    {%- if path is none -%}{{ return(false) }}{%- endif -%}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {%- set mapping = var(input_name ~ '_columns', {}) or {} -%}
    {{ return(mapping.get(column, column) in input_file_columns(input_name, path)) }}
{% endmacro %}

{#- Select the canonical columns of an input as text, with the row's position in the input.
    required: canonical names that must be present; optional: read when present, NULL otherwise.
    An absent input (its path var unset) is an empty relation with the same columns, so that any subset
    of the inputs builds. -#}
{% macro read_input(input_name, required_columns, optional_columns=[]) %}
    {%- set path = input_path(input_name) -%}
    {%- if path is none %}
    select
        cast(null as bigint) as source_row_number,
        cast(null as varchar) as source_file,
        {%- for column in required_columns + optional_columns %}
        cast(null as varchar) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    where false
    {%- else -%}
    {%- set mapping = var(input_name ~ '_columns', {}) or {} -%}
    {%- set available = input_file_columns(input_name, path) if execute else [] -%}
    {%- set present = [] -%}
    {%- for column in required_columns + optional_columns -%}
        {%- set file_column = mapping.get(column, column) -%}
        {%- if not execute or file_column in available -%}
            {%- do present.append(column) -%}
        {%- elif column in required_columns -%}
            {{ exceptions.raise_compiler_error(
                "required column " ~ column ~ " is missing from " ~ path
                ~ (" (mapped to '" ~ file_column ~ "' by var " ~ input_name ~ "_columns)" if column in mapping else "")
                ~ "; the file has: " ~ (available | reject('equalto', 'filename') | join(', '))) }}
        {%- endif -%}
    {%- endfor -%}
    select
        row_number() over () as source_row_number,
        filename as source_file,
        {%- for column in required_columns + optional_columns %}
        {% if column in present -%}
        cast({{ sql_identifier(mapping.get(column, column)) }} as varchar) as {{ column }}
        {%- else -%}
        cast(null as varchar) as {{ column }}
        {%- endif %}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ file_reader(path) }}
    {%- endif %}
{% endmacro %}

{#- Text to number: blanks are missing; anything that does not parse stays NULL here and is reported by
    the validation model, which compares it with the text. -#}
{% macro parse_number(column) -%}
    try_cast(nullif(trim({{ column }}), '') as double)
{%- endmacro %}

{#- Customer ids are text. A float-written integer id (17850.0) is the same customer as 17850. -#}
{% macro normalize_customer_id(column) -%}
    regexp_replace(nullif(trim({{ column }}), ''), '^([0-9]+)\.0+$', '\1')
{%- endmacro %}

{#- Text to timestamp. With var timestamp_format (a strptime format or a list of them, e.g.
    '%m/%d/%Y %H:%M') those formats are tried first; then the ISO form (2011-12-09 12:50:00, a 'T'
    separator, fractional seconds, a date alone). A UTC offset or zone name is ignored: the wall-clock
    time as written is kept, which is what time-of-day features need. Unparseable text stays NULL and
    the validation model reports it. -#}
{% macro parse_timestamp(column) -%}
    {%- set formats = var('timestamp_format', none) -%}
    {%- set text = "nullif(trim(" ~ column ~ "), '')" -%}
    {%- if formats is none or formats == [] -%}
        try_cast({{ text }} as timestamp)
    {%- else -%}
        {%- set format_list = [formats] if formats is string else formats -%}
        coalesce(
            try_strptime({{ text }}, [{% for f in format_list %}{{ sql_string(f) }}{{ ", " if not loop.last }}{% endfor %}]),
            try_cast({{ text }} as timestamp)
        )
    {%- endif -%}
{%- endmacro %}
