{#- One row per customer with at least one accepted event before the as-of date: the clickstream features,
    as the feature catalogue defines them (macro feature_catalogue; docs/features.md). Sessions come from
    int_events_sessionized; product, category and spend features are NULL without the column they need. -#}

with events as (

    select * from {{ ref('int_events_sessionized') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

validated as {{ inlined_cte() }} (

    select * from {{ ref('int_event_rows_validated') }}
    where is_accepted

),

usable_events as {{ inlined_cte() }} (

    -- The accepted events before the as-of date, with the columns the features read. Read again by
    -- each aggregation below: a scan of the validated events is cheaper than holding tens of millions of
    -- them in memory.
    select
        validated.customer_id,
        validated.event_type,
        validated.product_id,
        validated.category,
        validated.price,
        validated.event_ts,
        as_of.as_of_date

    from validated
    cross join as_of
    where validated.event_ts < as_of.as_of_date

),

usable_sessions as (

    -- Each event's session: only the sessions need it (read once).
    select
        events.customer_id,
        events.session_id,
        events.gap_session_number,
        events.event_type,
        events.event_ts

    from events
    cross join as_of
    where events.event_ts < as_of.as_of_date

),

available_columns as (

    select
        count(product_id) > 0 as has_product_id,
        count(category) > 0 as has_category,
        count(price) > 0 as has_price

    from usable_events

),

sessions as (

    select
        customer_id,
        session_id,
        gap_session_number,
        count(*) as events,
        count(*) filter (where event_type = 'view') as views,
        bool_or(event_type = 'cart') as has_cart,
        bool_or(event_type = 'purchase') as has_purchase,
        -- Divided by a double: over a decimal literal (60.0) Spark would keep six decimals.
        {{ dbt.datediff('min(event_ts)', 'max(event_ts)', 'second') }} / cast(60 as double) as session_minutes,
        min(event_ts) as session_started_at

    from usable_sessions
    group by customer_id, session_id, gap_session_number

),

session_statistics as (

    select
        customer_id,
        count(*) as session_count,
        count(*) filter (where has_purchase) as purchase_session_count,
        avg(session_minutes) as avg_session_minutes,
        max(session_minutes) as max_session_minutes,
        avg(case when events = 1 then 1 else 0 end) as bounce_session_share,
        avg(case when has_cart then 1 else 0 end) as cart_session_share,
        avg(case when has_purchase then 1 else 0 end) as purchase_session_share,
        case
            when count(*) > 1
                then {{ dbt.datediff('min(session_started_at)', 'max(session_started_at)', 'second') }}
                    / cast(86400 as double) / (count(*) - 1)
            else 0
        end as avg_days_between_sessions

    from sessions
    group by customer_id

),

event_statistics as (

    select
        customer_id,
        any_value(as_of_date) as as_of_date,
        count(*) as event_count,
        count(*) filter (where event_type = 'view') as view_count,
        count(*) filter (where event_type = 'cart') as cart_count,
        count(*) filter (where event_type = 'remove_from_cart') as remove_from_cart_count,
        count(*) filter (where event_type = 'purchase') as purchase_count,
        count(*) filter (where event_type = 'other') as other_event_count,

        avg(case when hour(event_ts) between 0 and 5 then 1 else 0 end) as night_share,
        avg(case when hour(event_ts) between 6 and 11 then 1 else 0 end) as morning_share,
        avg(case when hour(event_ts) between 12 and 17 then 1 else 0 end) as afternoon_share,
        avg(case when hour(event_ts) between 18 and 23 then 1 else 0 end) as evening_share,
        avg(case when {{ is_weekend('event_ts') }} then 1 else 0 end) as weekend_share,
        coalesce(sum(price) filter (where event_type = 'purchase'), 0) as purchase_value,
        coalesce(sum(price) filter (where event_type = 'cart'), 0) as cart_value,
        coalesce(avg(price) filter (where event_type = 'purchase'), 0) as avg_purchase_price,
        coalesce(avg(price) filter (where event_type = 'view'), 0) as avg_viewed_price,
        min(event_ts) as first_event_at,
        max(event_ts) as last_event_at

    from usable_events
    group by customer_id

),

-- Distinct counts in two grouped steps (customer x value, then customer), much cheaper than distinct
-- aggregates over every event.
active_dates as (

    select customer_id, cast(event_ts as date) as event_date
    from usable_events
    group by customer_id, cast(event_ts as date)

),

products as (

    select
        customer_id,
        product_id,
        max(case when event_type = 'view' then 1 else 0 end) as is_viewed,
        max(case when event_type = 'purchase' then 1 else 0 end) as is_purchased

    from usable_events
    where product_id is not null
    group by customer_id, product_id

),

categories as (

    select customer_id, category
    from usable_events
    where category is not null
    group by customer_id, category

),

distinct_statistics as (

    select
        dates.customer_id,
        dates.active_days,
        coalesce(product_counts.distinct_event_products, 0) as distinct_event_products,
        coalesce(product_counts.distinct_products_viewed, 0) as distinct_products_viewed,
        coalesce(product_counts.distinct_products_purchased, 0) as distinct_products_purchased,
        coalesce(category_counts.distinct_categories, 0) as distinct_categories

    from (
        select customer_id, count(*) as active_days from active_dates group by customer_id
    ) as dates
    left join (
        select
            customer_id,
            count(*) as distinct_event_products,
            sum(is_viewed) as distinct_products_viewed,
            sum(is_purchased) as distinct_products_purchased
        from products
        group by customer_id
    ) as product_counts on dates.customer_id = product_counts.customer_id
    left join (
        select customer_id, count(*) as distinct_categories from categories group by customer_id
    ) as category_counts on dates.customer_id = category_counts.customer_id

),

final as (

    select
        event_statistics.customer_id,
        event_statistics.event_count,
        event_statistics.view_count,
        event_statistics.cart_count,
        event_statistics.remove_from_cart_count,
        event_statistics.purchase_count,
        event_statistics.other_event_count,
        {{ ratio_expression('event_statistics.cart_count', 'event_statistics.view_count') }} as view_to_cart_rate,
        {{ ratio_expression('event_statistics.purchase_count', 'event_statistics.cart_count') }}
            as cart_to_purchase_rate,
        {{ ratio_expression('event_statistics.purchase_count', 'event_statistics.view_count') }}
            as view_to_purchase_rate,
        {{ ratio_expression('event_statistics.remove_from_cart_count', 'event_statistics.cart_count') }}
            as cart_removal_rate,
        session_statistics.session_count,
        session_statistics.purchase_session_count,
        event_statistics.event_count / session_statistics.session_count as events_per_session,
        event_statistics.view_count / session_statistics.session_count as views_per_session,
        session_statistics.avg_session_minutes,
        session_statistics.max_session_minutes,
        session_statistics.bounce_session_share,
        session_statistics.cart_session_share,
        session_statistics.purchase_session_share,
        distinct_statistics.active_days,
        event_statistics.event_count / distinct_statistics.active_days as events_per_active_day,
        session_statistics.session_count / distinct_statistics.active_days as sessions_per_active_day,
        {{ dbt.datediff('cast(event_statistics.last_event_at as date)', 'event_statistics.as_of_date', 'day') }}
            as days_since_last_event,
        {{ dbt.datediff('cast(event_statistics.first_event_at as date)', 'event_statistics.as_of_date', 'day') }}
            as days_since_first_event,
        session_statistics.avg_days_between_sessions,
        event_statistics.night_share,
        event_statistics.morning_share,
        event_statistics.afternoon_share,
        event_statistics.evening_share,
        event_statistics.weekend_share,
        case when available_columns.has_product_id then distinct_statistics.distinct_products_viewed end
            as distinct_products_viewed,
        case when available_columns.has_product_id then distinct_statistics.distinct_products_purchased end
            as distinct_products_purchased,
        case when available_columns.has_product_id then distinct_statistics.distinct_event_products end
            as distinct_event_products,
        case when available_columns.has_category then distinct_statistics.distinct_categories end
            as distinct_categories,
        case when available_columns.has_price then event_statistics.purchase_value end as purchase_value,
        case when available_columns.has_price then event_statistics.cart_value end as cart_value,
        case when available_columns.has_price then event_statistics.avg_purchase_price end as avg_purchase_price,
        case when available_columns.has_price then event_statistics.avg_viewed_price end as avg_viewed_price,
        1 as has_browsed,
        event_statistics.as_of_date,
        event_statistics.first_event_at,
        event_statistics.last_event_at

    from event_statistics
    inner join session_statistics on event_statistics.customer_id = session_statistics.customer_id
    inner join distinct_statistics on event_statistics.customer_id = distinct_statistics.customer_id
    cross join available_columns

)

select * from final
