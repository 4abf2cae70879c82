{#- Slowly changing history (type 2) of every customer's segment: one row per customer and period during
    which the customer was in one segment under one model version. A run that finds a customer in another
    segment, scored by another model version, or gone, closes the open row (valid_to = the run's start)
    and opens a new one; unchanged customers keep their open row. Periods are half-open:
    valid_from <= t < valid_to, and valid_to is NULL for the current row. How a run's rows replace the
    stored ones depends on the engine (history_incremental_config); the rows are the same on every engine. -#}
{{ config(
    materialized='incremental',
    on_schema_change='append_new_columns',
    **history_incremental_config()
) }}
{%- set rewrites_partitions = config.get('incremental_strategy') == 'insert_overwrite' %}

with assignments as (

    select
        cast(customer_id as string) as customer_id,
        cast(segment_id as integer) as segment_id,
        cast(model_version as integer) as model_version

    from {{ ref('int_customers_segmented') }}

),

run as (

    select {{ run_timestamp() }} as run_started_at

),

open_rows as (

    {%- if is_incremental() %}
    select customer_id, segment_id, model_version, valid_from
    from {{ this }}
    where valid_to is null
    {%- else %}
    select
        cast(null as string) as customer_id,
        cast(null as integer) as segment_id,
        cast(null as integer) as model_version,
        cast(null as timestamp) as valid_from
    where 1 = 0
    {%- endif %}

),

closed as (

    select
        open_rows.customer_id,
        open_rows.segment_id,
        open_rows.model_version,
        open_rows.valid_from,
        run.run_started_at as valid_to

    from open_rows
    cross join run
    left join assignments
        on open_rows.customer_id = assignments.customer_id
        and open_rows.segment_id = assignments.segment_id
        and open_rows.model_version = assignments.model_version
    where assignments.customer_id is null

),

opened as (

    select
        assignments.customer_id,
        assignments.segment_id,
        assignments.model_version,
        run.run_started_at as valid_from,
        cast(null as timestamp) as valid_to

    from assignments
    cross join run
    left join open_rows
        on assignments.customer_id = open_rows.customer_id
        and assignments.segment_id = open_rows.segment_id
        and assignments.model_version = open_rows.model_version
    where open_rows.customer_id is null

),

{%- if is_incremental() and rewrites_partitions %}

touched_versions as (

    select model_version from closed
    union
    select model_version from opened

),

{#- insert_overwrite replaces every partition (model version) the run writes to: the rows of those
    versions that the run leaves as they are are written again. Columns by name: the stored table may
    order them otherwise (Spark puts a partition column last). #}
kept as (

    select
        stored.customer_id,
        stored.segment_id,
        stored.model_version,
        stored.valid_from,
        stored.valid_to

    from {{ this }} as stored
    inner join touched_versions on stored.model_version = touched_versions.model_version
    left join closed
        on stored.customer_id = closed.customer_id
        and stored.valid_from = closed.valid_from
    where closed.customer_id is null

),
{%- endif %}

final as (

    select customer_id, segment_id, model_version, valid_from, valid_to from closed
    union all
    select customer_id, segment_id, model_version, valid_from, valid_to from opened
    {%- if is_incremental() and rewrites_partitions %}
    union all
    select customer_id, segment_id, model_version, valid_from, valid_to from kept
    {%- endif %}

)

select
    customer_id,
    segment_id,
    model_version,
    valid_to is null as is_current,
    valid_from,
    valid_to

from final
