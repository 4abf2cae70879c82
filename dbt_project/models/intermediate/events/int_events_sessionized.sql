{#- One row per accepted event, with its session.
    A session is the customer's events sharing a session_id when the input has one for the event;
    otherwise the customer's events without a session_id are split where more than var
    session_timeout_minutes (default 30) pass between two consecutive events (a gap of exactly the timeout
    stays in the session). session_key identifies the session within the customer ('id:<session_id>' or
    'gap:<n>'); session_number numbers the customer's sessions 1, 2, ... by their first event.
    A view: the feature model reads it once, and only events without a session_id need the windows that
    find gaps (a query that does not read session_number or session_started_at does not compute them). -#}
{{ config(materialized='view') }}
{%- set timeout_minutes = number_var('session_timeout_minutes') %}

with events as (

    select * from {{ ref('int_event_rows_validated') }}
    where is_accepted

),

with_session_id as (

    select
        *,
        'id:' || session_id as session_key

    from events
    where session_id is not null

),

without_session_id as (

    select
        *,
        lag(event_ts) over (partition by customer_id order by event_ts, source_row_number) as previous_event_ts

    from events
    where session_id is null

),

gap_sessions as (

    select
        *,
        'gap:' || cast(
            sum(
                case
                    when previous_event_ts is null
                        or {{ dbt.datediff('previous_event_ts', 'event_ts', 'second') }} > {{ timeout_minutes }} * 60
                        then 1
                    else 0
                end
            ) over (
                partition by customer_id
                order by event_ts, source_row_number
                rows between unbounded preceding and current row
            ) as string
        ) as session_key

    from without_session_id

),

keyed as (

    select source_row_number, customer_id, session_key, event_type, product_id, category, price, event_ts
    from with_session_id
    union all
    select source_row_number, customer_id, session_key, event_type, product_id, category, price, event_ts
    from gap_sessions

),

started as (

    select
        *,
        min(event_ts) over (partition by customer_id, session_key) as session_started_at

    from keyed

),

final as (

    select
        source_row_number,
        customer_id,
        session_key,
        event_type,
        product_id,
        category,
        dense_rank() over (
            partition by customer_id order by session_started_at, session_key
        ) as session_number,
        price,
        session_started_at,
        event_ts

    from started

)

select * from final
