{#- Slowly changing history (type 2) of every customer's segment: one row per customer and period during
    which the customer was in one segment under one model version. A run that finds a customer in another
    segment, scored by another model version, or gone, closes the open row (valid_to = the run's start)
    and opens a new one; unchanged customers keep their open row. Periods are half-open:
    valid_from <= t < valid_to, and valid_to is NULL for the current row. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['customer_id', 'valid_from'],
    on_schema_change='append_new_columns',
) }}

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

final as (

    select * from closed
    union all
    select * from opened

)

select
    customer_id,
    segment_id,
    model_version,
    valid_to is null as is_current,
    valid_from,
    valid_to

from final
