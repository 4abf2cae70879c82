{#- One row: the date every "days since" feature counts to, and the rule that set it.
    var as_of_date when set; otherwise the day after the latest valid purchase (accepted purchase line);
    without any, the day after the latest accepted event or coupon redemption. Activity on or after the
    as-of date is not used by the feature models. -#}
{%- set configured = var('as_of_date', none) -%}

with transaction_lines as (

    select * from {{ ref('int_transaction_lines_validated') }}

),

events as (

    select * from {{ ref('int_event_rows_validated') }}

),

redemptions as (

    select * from {{ ref('int_coupon_redemptions_validated') }}

),

latest_purchase as (

    select max(order_ts) as latest_purchase_at
    from transaction_lines
    where is_accepted and line_type = 'purchase'

),

latest_event as (

    select max(event_ts) as latest_event_at
    from events
    where is_accepted

),

latest_redemption as (

    select max(redeemed_at) as latest_redemption_at
    from redemptions
    where is_accepted

),

final as (

    select
        case
            {%- if configured is not none %}
            when true then 'var as_of_date'
            {%- endif %}
            when latest_purchase.latest_purchase_at is not null then 'day after the latest valid purchase'
            else 'day after the latest event or redemption'
        end as as_of_date_rule,
        coalesce(
            {%- if configured is not none %}
            cast({{ sql_string(configured) }} as date),
            {%- endif %}
            cast(latest_purchase.latest_purchase_at as date) + 1,
            cast(greatest(latest_event.latest_event_at, latest_redemption.latest_redemption_at) as date) + 1
        ) as as_of_date

    from latest_purchase
    cross join latest_event
    cross join latest_redemption

)

select * from final
