{#- One row per funnel stage, in order: product views, add-to-cart events, purchase events - the events of
    the stage (accepted events before the as-of date) and the customers who took the step at least once,
    whether or not an earlier step of theirs was logged. Empty without an events input. -#}

with event_customers as (

    select customer_id, view_count, cart_count, purchase_count
    from {{ ref('int_events_aggregated_to_customers') }}

),

all_customers as (

    select count(*) as customers
    from {{ ref('customer_segments') }}

),

reached as (

    select
        sum(view_count) as view_events,
        sum(case when view_count > 0 then 1 else 0 end) as view_customers,
        sum(cart_count) as cart_events,
        sum(case when cart_count > 0 then 1 else 0 end) as cart_customers,
        sum(purchase_count) as purchase_events,
        sum(case when purchase_count > 0 then 1 else 0 end) as purchase_customers

    from event_customers
    -- Without events the aggregate would still return one row of NULLs.
    having count(*) > 0

),

stages as (

    select 1 as stage_position, 'product views' as stage, 'view' as event_type,
           view_events as events, view_customers as customers, cast(null as bigint) as previous_customers
    from reached
    union all
    select 2, 'add-to-cart events', 'cart', cart_events, cart_customers, view_customers
    from reached
    union all
    select 3, 'purchase events', 'purchase', purchase_events, purchase_customers, cart_customers
    from reached

),

final as (

    select
        cast(stages.stage_position as integer) as stage_position,
        cast(stages.stage as string) as stage,
        cast(stages.event_type as string) as event_type,
        cast(stages.events as bigint) as events,
        cast(stages.customers as bigint) as customers,
        cast(stages.customers as double) / nullif(all_customers.customers, 0) as customer_share,
        cast(stages.customers as double) / nullif(stages.previous_customers, 0) as ratio_to_previous_stage

    from stages
    cross join all_customers

)

select * from final
