{#- One row per accepted event, with its session.
    A session is the customer's events sharing a session_id when the input has one for the event;
    otherwise the customer's events without a session_id are split where more than var
    session_timeout_minutes (default 30) pass between two consecutive events (a gap of exactly the timeout
    stays in the session). session_key identifies the session within the customer ('id:<session_id>' or
    'gap:<n>'). A view: the feature model reads it once, and only events without a session_id need the
    window that finds the gaps. -#}
{{ config(materialized='view') }}
{%- set timeout_minutes = number_var('session_timeout_minutes') %}

with events as (

    select * from {{ ref('int_event_rows_validated') }}
    where is_accepted

),

with_session_id as (

    select
        *,
        cast(null as bigint) as gap_session_number

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
        ) as gap_session_number

    from without_session_id

),

keyed as (

    select
        source_row_number, customer_id, session_id, gap_session_number, event_type, product_id, category,
        price, event_ts
    from with_session_id
    union all
    select
        source_row_number, customer_id, session_id, gap_session_number, event_type, product_id, category,
        price, event_ts
    from gap_sessions

),

final as (

    select
        source_row_number,
        customer_id,
        -- A session is identified within the customer by its session_id, or by its number among the
        -- sessions found from gaps; session_key says which, for people.
        case
            when session_id is not null then 'id:' || session_id
            else 'gap:' || cast(gap_session_number as string)
        end as session_key,
        session_id,
        gap_session_number,
        event_type,
        product_id,
        category,
        price,
        event_ts

    from keyed

)

select * from final
