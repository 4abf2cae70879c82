{#- Reading the user's data: each input is a file (var `<input>_path`) or a table or view (var
    `<input>_relation`). Every input is read as text and mapped to canonical column names by the
    `<input>_columns` var, so that cleaning can catch and report values that do not parse.
    Each input is probed once per build (stg_input_files): whether it exists and holds rows, a file's text
    encoding, and its columns. Every model that needs those facts reads that small table. -#}

{% macro input_names() %}
    {{ return(['customers', 'transactions', 'events', 'coupon_redemptions']) }}
{% endmacro %}

{#- The canonical columns of each input: {'required': [...], 'optional': [...]}. The customer table's
    feature columns are those of var customer_features. -#}
{% macro input_columns(input_name) %}
    {%- set columns = {
        'customers': {'required': ['customer_id'] + customer_features(), 'optional': []},
        'transactions': {
            'required': ['customer_id', 'order_id', 'order_ts', 'quantity', 'unit_price'],
            'optional': ['product_id', 'country', 'discount_amount'],
        },
        'events': {
            'required': ['customer_id', 'event_ts', 'event_type'],
            'optional': ['session_id', 'product_id', 'category', 'price'],
        },
        'coupon_redemptions': {
            'required': ['customer_id', 'redeemed_at'],
            'optional': ['coupon_id', 'discount_amount'],
        },
    } -%}
    {{ return(columns[input_name]) }}
{% endmacro %}

{% macro any_input_configured() %}
    {%- for name in input_names() -%}
        {%- if var(name ~ '_path', none) is not none or var(name ~ '_relation', none) is not none -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{% endmacro %}

{#- The table or view an input is read from (var `<input>_relation`: `table`, `schema.table` or
    `database.schema.table`), as given; none when the input is not read from a relation. A file and a
    relation for the same input, or a name that is not a plain dotted name, are errors. -#}
{% macro input_relation_name(input_name) %}
    {%- set name = var(input_name ~ '_relation', none) -%}
    {%- if name is none -%}{{ return(none) }}{%- endif -%}
    {%- if name is not string
            or not modules.re.match('^[A-Za-z_][A-Za-z0-9_]*([.][A-Za-z_][A-Za-z0-9_]*){0,2}$', name) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ input_name ~ "_relation must name a table or view as table, schema.table or "
            ~ "database.schema.table (letters, digits and underscores), got '" ~ name ~ "'") }}
    {%- endif -%}
    {%- if var(input_name ~ '_path', none) is not none -%}
        {{ exceptions.raise_compiler_error(
            "the " ~ input_name ~ " input is given twice: var " ~ input_name ~ "_path (a file) and var "
            ~ input_name ~ "_relation (a table or view); set one of them") }}
    {%- endif -%}
    {%- if var(input_name ~ '_encoding', none) is not none -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ input_name ~ "_encoding applies to files; the " ~ input_name ~ " input is the relation "
            ~ name ~ " (var " ~ input_name ~ "_relation)") }}
    {%- endif -%}
    {{ return(name) }}
{% endmacro %}

{#- The relation var `<input>_relation` names; schema and database default to the target's (as in the
    sources of _input_sources.yml, which declare the same relations). -#}
{% macro input_relation(input_name) %}
    {%- set parts = input_relation_name(input_name).split('.') -%}
    {{ return(api.Relation.create(
        database=parts[-3] if parts | length > 2 else target.get('database'),
        schema=parts[-2] if parts | length > 1 else target.schema,
        identifier=parts[-1])) }}
{% endmacro %}

{#- The file behind an input, or none when the input is absent or read from a relation. With no input
    configured at all, the customer table is the generated demo data. -#}
{% macro input_path(input_name) %}
    {%- set path = var(input_name ~ '_path', none) -%}
    {%- if path is none and input_name == 'customers' and not any_input_configured() -%}
        {%- set path = var('demo_customers_path') -%}
    {%- endif -%}
    {{ return(path) }}
{% endmacro %}

{#- Whether an input is given (its path or relation var is set; for customers also the demo default). -#}
{% macro input_is_present(input_name) %}
    {{ return(input_path(input_name) is not none or input_relation_name(input_name) is not none) }}
{% endmacro %}

{#- The order that numbers a relation's rows (source_row_number: the positions rejected_rows reports, and
    "the last in the input" when conflicting duplicates tie): var `<input>_row_order`, column names of the
    relation (one or a list); unset, every column of the relation in its order. A relation has no order
    of its own, and this one reads the same on every engine. NULLs sort last; rows equal in every column
    of the order are numbered in any order among themselves. -#}
{% macro input_row_order(input_name, columns, check=true) %}
    {%- set configured = var(input_name ~ '_row_order', none) -%}
    {%- if configured is none -%}{{ return(columns) }}{%- endif -%}
    {%- set order = [configured] if configured is string else configured -%}
    {%- if order is string or order is mapping or order | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ input_name ~ "_row_order must be a column name or a list of them, got '" ~ configured ~ "'") }}
    {%- endif -%}
    {%- for column in order if check and column not in columns -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ input_name ~ "_row_order names '" ~ column ~ "', which is not a column of "
            ~ input_relation_name(input_name) ~ "; it has: " ~ (columns | join(', '))) }}
    {%- endfor -%}
    {{ return(order) }}
{% endmacro %}

{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
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
{% macro input_column_map(input_name) %}
    {%- set mapping = var(input_name ~ '_columns', {}) or {} -%}
    {%- set canonical = input_columns(input_name) -%}
    {%- set canonical_columns = canonical.required + canonical.optional -%}
    {%- if mapping is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ input_name ~ "_columns must map canonical column names to the file's column names, got '"
            ~ mapping ~ "'") }}
    {%- endif -%}
    {%- for key, value in mapping.items() -%}
        {%- if key not in canonical_columns -%}
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

{#- The text encoding var of an input (utf-8, utf-16 or latin-1), normalized; none when unset. -#}
{% macro configured_input_encoding(input_name) %}
    {%- set configured = var(input_name ~ '_encoding', none) -%}
    {%- if configured is none -%}{{ return(none) }}{%- endif -%}
    {%- set encoding = configured | string | lower | trim | replace('_', '-') -%}
    {%- set encoding = {'utf8': 'utf-8', 'utf16': 'utf-16', 'latin1': 'latin-1', 'iso-8859-1': 'latin-1'}.get(encoding, encoding) -%}
    {%- if encoding not in ['utf-8', 'utf-16', 'latin-1'] -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ input_name ~ "_encoding is '" ~ configured ~ "'; supported: utf-8, utf-16, latin-1") }}
    {%- endif -%}
    {{ return(encoding) }}
{% endmacro %}

{#- Probe one input, at run time: it must exist and hold rows. Returns {path, encoding, columns}: path is
    the file, or the relation's name as given; the encoding of a file (var `<input>_encoding` when set;
    otherwise UTF-8, or latin-1 when an uncompressed CSV is not valid UTF-8), none for a relation; the
    column names. Called once per build, by stg_input_files. -#}
{% macro probe_input(input_name) %}
    {%- if input_relation_name(input_name) is not none -%}
        {{ return(probe_input_relation(input_name)) }}
    {%- endif -%}
    {{ return(probe_input_file(input_name)) }}
{% endmacro %}

{% macro probe_input_relation(input_name) %}
    {%- set name = input_relation_name(input_name) -%}
    {%- set wanted = input_relation(input_name) -%}
    {%- do input_column_map(input_name) -%}
    {%- set relation = adapter.get_relation(
        database=wanted.database, schema=wanted.schema, identifier=wanted.identifier) -%}
    {%- if relation is none -%}
        {{ exceptions.raise_compiler_error(
            "table or view not found: " ~ name ~ " (var " ~ input_name ~ "_relation)") }}
    {%- endif -%}
    {%- set has_rows = run_query("select count(*) from (select 1 from " ~ relation ~ " limit 1) as probe").columns[0].values()[0] -%}
    {%- if has_rows == 0 -%}
        {{ exceptions.raise_compiler_error(input_name ~ " input has no rows: " ~ name ~ " (var " ~ input_name ~ "_relation)") }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- do input_row_order(input_name, columns) -%}
    {{ return({'path': name, 'encoding': none, 'columns': columns}) }}
{% endmacro %}

{% macro probe_input_file(input_name) %}
    {%- set path = input_path(input_name) -%}
    {%- do input_column_map(input_name) -%}
    {%- if var(input_name ~ '_row_order', none) is not none -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ input_name ~ "_row_order applies to a table or view (var " ~ input_name
            ~ "_relation); the rows of a file are numbered in the file's order") }}
    {%- endif -%}
    {%- if not adapter.dispatch('input_file_exists', 'segments')(path) -%}
        {{ exceptions.raise_compiler_error("file not found: " ~ path ~ " (var " ~ input_name ~ "_path)") }}
    {%- endif -%}
    {%- set encoding = configured_input_encoding(input_name) -%}
    {%- if encoding is none -%}
        {%- set encoding = adapter.dispatch('detected_file_encoding', 'segments')(path) -%}
    {%- endif -%}
    {%- set reader = file_reader(path, encoding) -%}
    {%- set has_rows = run_query("select count(*) from (select 1 from " ~ reader ~ " limit 1) as probe").columns[0].values()[0] -%}
    {%- if has_rows == 0 -%}
        {{ exceptions.raise_compiler_error(input_name ~ " input has no rows: " ~ path ~ " (var " ~ input_name ~ "_path)") }}
    {%- endif -%}
    {%- set columns = adapter.dispatch('file_column_names', 'segments')(reader) -%}
    {{ return({'path': path, 'encoding': encoding, 'columns': columns}) }}
{% endmacro %}

{#- What stg_input_files recorded for this build: input name -> {path, encoding, columns}, for the present
    inputs. When that table is missing or from another invocation (a selective run that does not include
    it), the files are probed here instead. While dbt only parses, nothing is probed: every present input
    counts as having every canonical column. -#}
{% macro described_inputs() %}
    {#- A unit test renders its model with fixtures for the model's inputs only: it probes the files. -#}
    {%- set relation = ref('stg_input_files') if model.resource_type != 'unit_test' else none -%}
    {%- set described = {} -%}
    {%- if not execute -%}
        {%- for input_name in input_names() if input_is_present(input_name) -%}
            {%- set canonical = input_columns(input_name) -%}
            {%- do described.update({input_name: {
                'path': input_relation_name(input_name) or input_path(input_name), 'encoding': 'utf-8',
                'columns': canonical.required + canonical.optional, 'is_parsing': true}}) -%}
        {%- endfor -%}
        {{ return(described) }}
    {%- endif -%}
    {%- set recorded = none -%}
    {%- if relation is not none and load_relation(relation) is not none -%}
        {%- set recorded = run_query(
            "select input_name, input_path, file_encoding, file_column, invocation_id from " ~ relation
            ~ " order by input_name, column_position") -%}
    {%- endif -%}
    {%- if recorded is not none and recorded.rows | length > 0
            and recorded.rows[0][4] == invocation_id -%}
        {%- for row in recorded.rows -%}
            {%- if row[0] not in described -%}
                {%- do described.update({row[0]: {'path': row[1], 'encoding': row[2], 'columns': []}}) -%}
            {%- endif -%}
            {%- do described[row[0]]['columns'].append(row[3]) -%}
        {%- endfor -%}
        {#- Inputs present now but not recorded (nothing recorded: no input given) are probed. -#}
    {%- endif -%}
    {%- for input_name in input_names() if input_is_present(input_name) and input_name not in described -%}
        {%- do described.update({input_name: probe_input(input_name)}) -%}
    {%- endfor -%}
    {{ return(described) }}
{% endmacro %}

{#- Canonical columns of a present input that its file has (after the column map): {input: [columns]}.
    Raises a clear error when a required column is missing or the map names a column the file lacks. -#}
{% macro present_input_columns(described=none) %}
    {%- set described = described if described is not none else described_inputs() -%}
    {%- set present = {} -%}
    {%- for input_name, facts in described.items() -%}
        {%- set mapping = input_column_map(input_name) -%}
        {%- set canonical = input_columns(input_name) -%}
        {%- if facts.get('is_parsing') -%}
            {%- do present.update({input_name: canonical.required + canonical.optional}) -%}
            {%- continue -%}
        {%- endif -%}
        {%- set columns = [] -%}
        {%- set is_relation = input_relation_name(input_name) is not none -%}
        {%- set file_columns = facts.columns if is_relation else facts.columns | reject('equalto', 'filename') | list -%}
        {%- set it_has = ("; the relation has: " if is_relation else "; the file has: ") ~ (file_columns | join(', ')) -%}
        {%- for column in canonical.required + canonical.optional -%}
            {%- set file_column = mapping.get(column, column) -%}
            {%- if file_column in facts.columns -%}
                {%- do columns.append(column) -%}
            {%- elif column in canonical.required -%}
                {{ exceptions.raise_compiler_error(
                    "required column " ~ column ~ " is missing from " ~ facts.path
                    ~ (" (mapped to '" ~ file_column ~ "' by var " ~ input_name ~ "_columns)" if column in mapping else "")
                    ~ it_has) }}
            {%- elif column in mapping -%}
                {{ exceptions.raise_compiler_error(
                    "var " ~ input_name ~ "_columns maps " ~ column ~ " to '" ~ file_column ~ "', which is not a column of "
                    ~ facts.path ~ it_has) }}
            {%- endif -%}
        {%- endfor -%}
        {%- do present.update({input_name: columns}) -%}
    {%- endfor -%}
    {{ return(present) }}
{% endmacro %}

{#- Whether a present input holds a (canonical) column, after the `<input>_columns` mapping. -#}
{% macro input_has_column(input_name, column, present=none) %}
    {%- set present = present if present is not none else present_input_columns() -%}
    {{ return(column in present.get(input_name, [])) }}
{% endmacro %}

{#- Select the canonical columns of an input as text, with the row's position in the input (required and
    optional columns of input_columns(); an optional column the input lacks is NULL) and where it was read
    (source_file: the file, or the relation's name). An absent input (neither its path nor its relation
    var set) is an empty relation with the same columns, so that any subset of the inputs builds. -#}
{% macro read_input(input_name) %}
    {%- set canonical = input_columns(input_name) -%}
    {%- set all_columns = canonical.required + canonical.optional -%}
    {%- if not input_is_present(input_name) %}
    select
        cast(null as bigint) as source_row_number,
        cast(null as string) as source_file,
        {%- for column in all_columns %}
        cast(null as string) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from (select 1 as no_row) as empty_input
    where 1 = 0
    {%- else -%}
    {%- set described = described_inputs() -%}
    {%- set facts = described[input_name] -%}
    {%- set present = present_input_columns(described)[input_name] -%}
    {%- set mapping = input_column_map(input_name) -%}
    {%- set is_relation = input_relation_name(input_name) is not none %}
    select
        {%- if is_relation %}
        row_number() over (order by
            {%- for column in input_row_order(input_name, facts.columns, check=not facts.get('is_parsing')) %}
            {{ adapter.quote(column) }} asc nulls last{{ "," if not loop.last }}
            {%- endfor %}
        ) as source_row_number,
        {{ sql_string(facts.path) }} as source_file,
        {%- else %}
        source_row_number,
        filename as source_file,
        {%- endif %}
        {%- for column in all_columns %}
        {% if column in present -%}
        cast({{ adapter.quote(mapping.get(column, column)) }} as string) as {{ column }}
        {%- else -%}
        cast(null as string) as {{ column }}
        {%- endif %}{{ "," if not loop.last }}
        {%- endfor %}
    {%- if is_relation %}
    {#- Through the source (declared in _input_sources.yml) so that dbt knows the model reads it. #}
    from {{ source('input_' ~ input_name, input_name) }}
    {%- else %}
    from {{ adapter.dispatch('positioned_file_reader', 'segments')(facts.path, facts.encoding) }}
    {%- endif %}
    {%- endif %}
{% endmacro %}

{#- Table function reading a file as text: Parquet by extension, otherwise CSV (plain or gzipped; the
    delimiter, quoting and header are detected), with a `filename` column. -#}
{% macro file_reader(path, encoding='utf-8') -%}
    {{ return(adapter.dispatch('file_reader', 'segments')(path, encoding)) }}
{%- endmacro %}

{#- Text to number: blanks are missing; anything that does not parse stays NULL here and is reported by
    the validation model, which compares it with the text. -#}
{% macro parse_number(column) -%}
    try_cast(nullif(trim({{ column }}), '') as double)
{%- endmacro %}

{#- Customer ids are text. A float-written integer id (17850.0) is the same customer as 17850.
    regexp_extract with a group, and [.] rather than an escaped dot, read the same in every engine; only an
    id with a dot goes through the regular expression (tens of millions of ids do not). -#}
{% macro normalize_customer_id(column) -%}
    case
        when instr({{ column }}, '.') > 0
            then coalesce(
                nullif(regexp_extract(nullif(trim({{ column }}), ''), '^([0-9]+)[.]0+$', 1), ''),
                nullif(trim({{ column }}), '')
            )
        else nullif(trim({{ column }}), '')
    end
{%- endmacro %}

{#- Text to timestamp. With var timestamp_format (a strptime format or a list of them, e.g.
    '%m/%d/%Y %H:%M') those formats are tried first; then the ISO form (2011-12-09 12:50:00, a 'T'
    separator, fractional seconds, a date alone). A UTC offset or zone name is ignored: the wall-clock
    time as written is kept, which is what time-of-day features need. Unparseable text stays NULL and
    the validation model reports it. -#}
{% macro parse_timestamp(column) -%}
    {%- set formats = var('timestamp_format', none) -%}
    {%- set text = "nullif(trim(" ~ column ~ "), '')" -%}
    {%- set format_list = [] if formats is none else ([formats] if formats is string else formats) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'segments')(text, format_list)) }}
{%- endmacro %}
