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

{#- A name from a var that becomes a column name in SQL: a plain identifier, or a clear error.
    what: how to name it in the message, e.g. "var customer_features names". -#}
{% macro checked_identifier(name, what) %}
    {%- if name is not string or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', name) -%}
        {{ exceptions.raise_compiler_error(
            what ~ " '" ~ name ~ "', which is not a valid column name "
            ~ "(letters, digits and underscores, not starting with a digit)") }}
    {%- endif -%}
    {{ return(name) }}
{% endmacro %}

{#- A numeric var pasted into SQL: a number, or a clear error (none allowed when allow_none). -#}
{% macro number_var(name, allow_none=false) %}
    {%- set value = var(name, none) -%}
    {%- if value is none and allow_none -%}{{ return(none) }}{%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if value is none or value is boolean
            or not modules.re.match('^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', text) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a number, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}

{#- The `<input>_columns` var: canonical name -> the file's column name. Every key must be a canonical
    column of that input and every value a column name (text). -#}
{% macro input_column_map(input_name, canonical_columns=none) %}
    {%- set mapping = var(input_name ~ '_columns', {}) or {} -%}
    {%- if mapping is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ input_name ~ "_columns must map canonical column names to the file's column names, got '"
            ~ mapping ~ "'") }}
    {%- endif -%}
    {%- for key, value in mapping.items() -%}
        {%- if canonical_columns is not none and key not in canonical_columns -%}
            {{ exceptions.raise_compiler_error(
                input_name ~ "_columns names '" ~ key ~ "', which is not a column of the " ~ input_name
                ~ " input; canonical columns: " ~ (canonical_columns | join(', '))) }}
        {%- endif -%}
        {%- if value is not string or value | trim == '' -%}
            {{ exceptions.raise_compiler_error(
                input_name ~ "_columns maps '" ~ key ~ "' to '" ~ value ~ "'; give the file's column name as text") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(mapping) }}
{% endmacro %}

{#- The text encoding of an input's CSV file: var `<input>_encoding` (utf-8, utf-16 or latin-1) when set;
    otherwise UTF-8 (a byte order mark is skipped), or latin-1 when an uncompressed CSV is not valid UTF-8.
    Checked at run time. -#}
{% macro input_encoding(input_name, path) %}
    {%- set configured = var(input_name ~ '_encoding', none) -%}
    {%- if configured is not none -%}
        {%- set encoding = configured | string | lower | trim | replace('_', '-') -%}
        {%- set encoding = {'utf8': 'utf-8', 'utf16': 'utf-16', 'latin1': 'latin-1', 'iso-8859-1': 'latin-1'}.get(encoding, encoding) -%}
        {%- if encoding not in ['utf-8', 'utf-16', 'latin-1'] -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ input_name ~ "_encoding is '" ~ configured ~ "'; supported: utf-8, utf-16, latin-1") }}
        {%- endif -%}
        {{ return(encoding) }}
    {%- endif -%}
    {%- if not execute or not (path | lower).endswith('.csv') -%}{{ return('utf-8') }}{%- endif -%}
    {%- set invalid = run_query(
        "select count(*) from read_blob(" ~ sql_string(path) ~ ") where try(decode(content)) is null"
    ).columns[0].values()[0] -%}
    {{ return('latin-1' if invalid > 0 else 'utf-8') }}
{% endmacro %}

{#- Table function reading the file as text: Parquet by extension, otherwise CSV (plain or gzipped; the
    delimiter, quoting and header are detected). -#}
{% macro file_reader(path, encoding='utf-8') -%}
    {%- if (path | lower).endswith('.parquet') -%}
        read_parquet({{ sql_string(path) }}, filename = true)
    {%- else -%}
        read_csv({{ sql_string(path) }}, header = true, all_varchar = true, filename = true
                 {%- if encoding != 'utf-8' %}, encoding = {{ sql_string(encoding) }}{% endif %})
    {%- endif -%}
{%- endmacro %}

{#- Column names of the file, checked at run time: the file must exist, hold rows and be readable. -#}
{% macro input_file_columns(input_name, path, encoding=none) %}
    {%- set matches = run_query("select count(*) from glob(" ~ sql_string(path) ~ ")").columns[0].values()[0] -%}
    {%- if matches == 0 -%}
        {{ exceptions.raise_compiler_error("file not found: " ~ path ~ " (var " ~ input_name ~ "_path)") }}
    {%- endif -%}
    {%- set reader = file_reader(path, encoding if encoding is not none else input_encoding(input_name, path)) -%}
    {%- set has_rows = run_query("select count(*) from (select 1 from " ~ reader ~ " limit 1)").columns[0].values()[0] -%}
    {%- if has_rows == 0 -%}
        {{ exceptions.raise_compiler_error(input_name ~ " input has no rows: " ~ path ~ " (var " ~ input_name ~ "_path)") }}
    {%- endif -%}
    {%- set described = run_query("describe select * from " ~ reader) -%}
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
    {%- set mapping = input_column_map(input_name) -%}
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
    {%- set mapping = input_column_map(input_name, required_columns + optional_columns) -%}
    {#- The encoding check reads the whole of an uncompressed CSV: once per model, not once per use. -#}
    {%- set encoding = input_encoding(input_name, path) -%}
    {%- set available = input_file_columns(input_name, path, encoding) if execute else [] -%}
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
        {%- elif column in mapping -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ input_name ~ "_columns maps " ~ column ~ " to '" ~ file_column ~ "', which is not a column of "
                ~ path ~ "; the file has: " ~ (available | reject('equalto', 'filename') | join(', '))) }}
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
    from {{ file_reader(path, encoding) }}
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
