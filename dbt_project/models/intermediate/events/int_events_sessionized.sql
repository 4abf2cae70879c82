{#- One row per accepted event, with its session.
    A session is the customer's events sharing a session_id when the input has one for the event;
    otherwise the customer's events without a session_id are split where more than var
    session_timeout_minutes (default 30) pass between two consecutive events (a gap of exactly the timeout
    stays in the session). session_key identifies the session within the customer ('id:<session_id>' or
    'gap:<n>'); session_number numbers the customer's sessions 1, 2, ... by their first event. -#}
{%- set timeout_minutes = number_var('session_timeout_minutes') -%}

with events as (

    select * from {{ ref('int_event_rows_validated') }}
    where is_accepted

),

gaps as (

    select
        *,
        lag(event_ts) over (
            partition by customer_id, session_id is null
            order by event_ts, source_row_number
        ) as previous_event_ts

    from events

),

inferred as (

    select
        *,
        sum(
            case
                when session_id is null
                    and (
                        previous_event_ts is null
                        or event_ts > previous_event_ts + to_minutes({{ timeout_minutes }}::bigint)
                    )
                    then 1
                else 0
            end
        ) over (
            partition by customer_id, session_id is null
            order by event_ts, source_row_number
            rows between unbounded preceding and current row
        ) as inferred_session_number

    from gaps

),

keyed as (

    select
        *,
        case
            when session_id is not null then 'id:' || session_id
            else 'gap:' || inferred_session_number
        end as session_key

    from inferred

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
