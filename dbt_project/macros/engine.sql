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

{#- On Spark an input file is read through a table over the file (CREATE TABLE ... USING csv|parquet with
    its path: external, so dropping it leaves the file alone), in the staging schema, named after the path
    and encoding and made anew each time a build reads the file, so that its columns are the file's
    columns of today. CSV: comma-delimited with a header row, quotes doubled inside quoted values
    (DuckDB detects the delimiter; Spark does not). Every column is read as text; Parquet keeps its types. -#}
{% macro spark__file_reader(path, encoding) -%}
    {%- set is_parquet = (path | lower).endswith('.parquet') -%}
    {%- set relation = api.Relation.create(
        schema=generate_schema_name('staging', none),
        identifier='input_file_' ~ local_md5(path ~ '|' ~ encoding)[:16]) -%}
    {%- set options = {'path': spark_absolute_path(path)} -%}
    {%- if not is_parquet -%}
        {%- do options.update({'header': 'true', 'escape': '"',
                               'encoding': {'latin-1': 'ISO-8859-1'}.get(encoding, encoding | upper)}) -%}
    {%- endif -%}
    {%- set option_list = [] -%}
    {%- for key, value in options.items() -%}{%- do option_list.append(key ~ ' ' ~ sql_string(value)) -%}{%- endfor -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists ' ~ relation.schema) -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
        {%- do run_query(
            'create table ' ~ relation ~ ' using ' ~ ('parquet' if is_parquet else 'csv') ~ ' options ('
            ~ option_list | join(', ') ~ ')') -%}
    {%- endif -%}
    {{ relation }}
{%- endmacro %}

{#- The driver's working directory (dbt's): where DuckDB and Spark's queries read a relative path from. -#}
{% macro spark_working_directory() %}
    {{ return(run_query("select reflect('java.lang.System', 'getProperty', 'user.dir')").columns[0].values()[0]
              .rstrip('/')) }}
{% endmacro %}

{#- A table's path is not read from the working directory as a query's is: a relative path is made absolute
    against it. -#}
{% macro spark_absolute_path(path) %}
    {%- if path.startswith('/') or modules.re.match('^[A-Za-z][A-Za-z0-9+.-]*:', path) or not execute -%}
        {{ return(path) }}
    {%- endif -%}
    {{ return(spark_working_directory() ~ '/' ~ path) }}
{% endmacro %}

{#- Spark SQL cannot list files: a missing file is reported by Spark when the reader is made ("Path does
    not exist"). -#}
{% macro spark__input_file_exists(path) %}
    {{ return(true) }}
{% endmacro %}

{% macro spark__detected_file_encoding(path) %}
    {%- if not (path | lower).endswith('.csv') -%}{{ return('utf-8') }}{%- endif -%}
    {%- set invalid = run_query(
        "select count(*) from binaryFile.`" ~ path ~ "` where not is_valid_utf8(content)"
    ).columns[0].values()[0] -%}
    {{ return('latin-1' if invalid > 0 else 'utf-8') }}
{% endmacro %}

{% macro default__file_column_names(reader) %}
    {{ return(run_query("select * from " ~ reader ~ " limit 0").column_names | list) }}
{% endmacro %}

{#- The file's columns and, as DuckDB's reader has, filename (added by spark__positioned_file_reader). -#}
{% macro spark__file_column_names(reader) %}
    {{ return(default__file_column_names(reader) + ['filename']) }}
{% endmacro %}

{#- Row positions on Spark: a Parquet file's row index; a CSV's rows numbered in the order they are read,
    by file, then split of the file (its start), then position in the split (monotonically increasing
    within a split): one window over every row, without partitions. filename is the file's path as DuckDB
    gives it: relative to the working directory when the input's path is relative. -#}
{% macro spark__positioned_file_reader(path, encoding) -%}
    {%- set is_parquet = (path | lower).endswith('.parquet') -%}
    {%- set uri_prefix = 'file:' ~ (spark_working_directory() ~ '/' if execute and spark_absolute_path(path) != path else '') -%}
    (
        select
            row_number() over (order by filename, file_block_start, row_in_file) as source_row_number,
            file_rows.*
        from (
            select
                read_rows.*,
                case
                    when startswith(read_rows._metadata.file_path, {{ sql_string(uri_prefix) }})
                        then substr(read_rows._metadata.file_path, {{ uri_prefix | length + 1 }})
                    else read_rows._metadata.file_path
                end as filename,
                read_rows._metadata.file_block_start as file_block_start,
                {{ 'read_rows._metadata.row_index' if is_parquet else 'monotonically_increasing_id()' }} as row_in_file
            from {{ spark__file_reader(path, encoding) }} as read_rows
        ) as file_rows
    ) as positioned_rows
{%- endmacro %}

{#- A CTE read several times is computed again each time rather than held in memory: for an input's
    rows, which are cheap to read again and too many to hold. Engines that always inline CTEs need
    nothing. Usage: `rows as {{ inlined_cte() }} (...)`. -#}
{% macro inlined_cte() -%}
    {{ return(adapter.dispatch('inlined_cte', 'segments')()) }}
{%- endmacro %}

{% macro default__inlined_cte() -%}{%- endmacro %}

{% macro duckdb__inlined_cte() -%}not materialized{%- endmacro %}

{#- --- Relations --------------------------------------------------------------------------------------- -#}

{#- One row per row of `source` (a FROM clause) and entry of `rows`, each entry a list of SQL expressions:
    the values of `columns`, in that order (a wide row turned into long rows). DuckDB: a union of one select
    per entry. Elsewhere `source` is read once, crossed with the entry numbers, and a case picks each value:
    Spark plans (and computes) a CTE again for every select of a union that reads it, so that a union of
    sixty selects over an aggregate runs the aggregate sixty times. -#}
{% macro unpivoted(source, columns, rows) -%}
    {{ return(adapter.dispatch('unpivoted', 'segments')(source, columns, rows)) }}
{%- endmacro %}

{% macro duckdb__unpivoted(source, columns, rows) -%}
    {%- for row in rows %}
    select
        {%- for column in columns %}
        {{ row[loop.index0] }} as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ source }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{% macro default__unpivoted(source, columns, rows) -%}
    select
        {%- for column in columns %}
        {%- set position = loop.index0 %}
        case unpivoted_entries.entry_number
            {%- for row in rows %}
            when {{ loop.index }} then {{ row[position] }}
            {%- endfor %}
        end as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ source }}
    cross join (
        values {% for row in rows %}({{ loop.index }}){{ ", " if not loop.last }}{% endfor %}
    ) as unpivoted_entries (entry_number)
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

{#- Spark: the strptime formats translated to Spark's datetime patterns (try_to_timestamp), then the ISO
    form (try_cast). -#}
{% macro spark__parse_timestamp(text, formats) -%}
    coalesce(
        {%- for f in formats %}
        try_to_timestamp({{ text }}, {{ sql_string(spark_datetime_pattern(f)) }}),
        {%- endfor %}
        try_cast({{ text }} as timestamp)
    )
{%- endmacro %}

{#- A strptime format as a Spark datetime pattern. A number directive next to another directive keeps its
    fixed width (%Y%m%d: yyyyMMdd); elsewhere it reads one or two digits, as strptime does
    (%m/%d/%Y %H:%M reads 12/1/2010 8:26). Letters written in the format are quoted. -#}
{% macro spark_datetime_pattern(format) %}
    {%- set fixed = {'d': 'dd', 'm': 'MM', 'H': 'HH', 'M': 'mm', 'S': 'ss', 'I': 'hh'} -%}
    {%- set flexible = {'d': 'd', 'm': 'M', 'H': 'H', 'M': 'm', 'S': 's', 'I': 'h'} -%}
    {%- set others = {'Y': 'yyyy', 'y': 'yy', 'j': 'DDD', 'f': 'SSSSSS', 'b': 'MMM', 'B': 'MMMM', 'a': 'EEE',
                      'A': 'EEEE', 'p': 'a', 'z': 'Z', 'Z': 'z', '%': '%'} -%}
    {%- set state = namespace(pattern='', skip=0, after_directive=false) -%}
    {%- for position in range(format | length) -%}
        {%- set character = format[position] -%}
        {%- if state.skip > 0 -%}
            {%- set state.skip = state.skip - 1 -%}
        {%- elif character == '%' -%}
            {%- set directive = format[position + 1:position + 3] -%}
            {%- set unpadded = directive.startswith('-') -%}
            {%- set letter = directive[1:2] if unpadded else directive[0:1] -%}
            {%- set state.skip = 2 if unpadded else 1 -%}
            {%- set next_character = format[position + 1 + state.skip:position + 2 + state.skip] -%}
            {%- set next_to_directive = next_character == '%' or state.after_directive -%}
            {%- set state.after_directive = true -%}
            {%- if letter in fixed -%}
                {%- set state.pattern = state.pattern
                    ~ (fixed[letter] if next_to_directive and not unpadded else flexible[letter]) -%}
            {%- elif letter in others and not unpadded -%}
                {%- set state.pattern = state.pattern ~ others[letter] -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error(
                    "var timestamp_format '" ~ format ~ "': %" ~ directive[0:2] ~ " has no Spark equivalent here") }}
            {%- endif -%}
        {%- else -%}
            {%- set state.after_directive = false -%}
            {%- if modules.re.match('[A-Za-z]', character) -%}
                {%- set state.pattern = state.pattern ~ "'" ~ character ~ "'" -%}
            {%- elif character == "'" -%}
                {%- set state.pattern = state.pattern ~ "''" -%}
            {%- else -%}
                {%- set state.pattern = state.pattern ~ character -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(state.pattern) }}
{% endmacro %}

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

{#- An aggregate: the group's text values joined by delimiter_text (SQL), in the order of order_by, a list of
    [SQL expression, 'asc' or 'desc']; NULL values are left out, and a group without any gives NULL. On
    Spark, whose listagg has no order, the values are collected with their sort keys and sorted (ascending,
    so a 'desc' key must be a number: it is negated). -#}
{% macro ordered_string_agg(measure, delimiter_text, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'segments')(measure, delimiter_text, order_by)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(measure, delimiter_text, order_by) -%}
    {%- set clauses = [] -%}
    {%- for expression, direction in order_by -%}
        {%- do clauses.append(expression ~ (' desc' if direction == 'desc' else '')) -%}
    {%- endfor -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ clauses | join(', ')) }}
{%- endmacro %}

{% macro spark__ordered_string_agg(measure, delimiter_text, order_by) -%}
    case
        when count({{ measure }}) > 0 then array_join(transform(array_sort(collect_list(
            case when ({{ measure }}) is not null then named_struct(
                {%- for expression, direction in order_by %}
                'key_{{ loop.index }}', {{ '-(' ~ expression ~ ')' if direction == 'desc' else expression }},
                {%- endfor %}
                'value', {{ measure }}) end)), entry -> entry.value), {{ delimiter_text }})
    end
{%- endmacro %}

{#- A record as JSON text: pairs is a list of [key, SQL expression]. -#}
{% macro json_record(pairs) -%}
    {{ return(adapter.dispatch('json_record', 'segments')(pairs)) }}
{%- endmacro %}

{#- A NULL value is kept (as DuckDB's json_object keeps it): Spark's to_json would leave the key out. -#}
{% macro default__json_record(pairs) -%}
    to_json(named_struct({% for key, expression in pairs %}{{ sql_string(key) }}, {{ expression }}{{ ", " if not loop.last }}{% endfor %}), map('ignoreNullFields', 'false'))
{%- endmacro %}

{% macro duckdb__json_record(pairs) -%}
    cast(json_object({% for key, expression in pairs %}{{ sql_string(key) }}, {{ expression }}{{ ", " if not loop.last }}{% endfor %}) as string)
{%- endmacro %}
