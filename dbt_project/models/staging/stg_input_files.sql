{#- One row per present input and column of its file or relation: the file or relation each input var
    names, probed once per build - it must exist and hold rows (a clear error otherwise) - with a file's
    text encoding and the columns.
    Every model that needs to know which columns an input has reads this table (see described_inputs),
    so a build reads each file's header once, not once per model. -#}
{%- set probed = {} -%}
{%- if execute -%}
    {%- for input_name in input_names() if input_is_present(input_name) -%}
        {%- do probed.update({input_name: probe_input(input_name)}) -%}
    {%- endfor -%}
{%- endif %}

with probed_columns as (

    {%- for input_name, facts in probed.items() %}
    {%- for column in facts.columns %}
    select
        {{ sql_string(input_name) }} as input_name,
        {{ sql_string(facts.path) }} as input_path,
        {{ sql_string(facts.encoding) if facts.encoding else 'cast(null as string)' }} as file_encoding,
        {{ sql_string(column) }} as file_column,
        {{ loop.index }} as column_position
    union all
    {%- endfor %}
    {%- endfor %}
    select
        cast(null as string) as input_name,
        cast(null as string) as input_path,
        cast(null as string) as file_encoding,
        cast(null as string) as file_column,
        cast(null as integer) as column_position
    from (select 1 as no_row) as nothing
    where 1 = 0

),

final as (

    select
        cast(input_name as string) as input_name,
        cast(input_path as string) as input_path,
        cast(file_encoding as string) as file_encoding,
        cast(file_column as string) as file_column,
        cast(column_position as integer) as column_position,
        {{ sql_string(invocation_id) }} as invocation_id

    from probed_columns

)

select * from final
