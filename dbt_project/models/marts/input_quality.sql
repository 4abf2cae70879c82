{#- One row per input and outcome: how many rows of each input were accepted (by line or event type) or
    rejected (by reason), how many distinct customer ids they carry and, for transactions, their value.
    Store-level data quality: lines without a customer id are counted here with their value although no
    customer gets them. -#}

with customer_rows as (

    select * from {{ ref('int_customer_rows_validated') }}

),

transaction_lines as (

    select * from {{ ref('int_transaction_lines_validated') }}

),

events as (

    select * from {{ ref('int_event_rows_validated') }}

),

redemptions as (

    select * from {{ ref('int_coupon_redemptions_validated') }}

),

outcomes as (

    select
        'customers' as input_name,
        coalesce(rejection_reason, 'accepted') as outcome,
        customer_id,
        cast(null as double) as row_value,
        is_accepted
    from customer_rows

    union all

    select
        'transactions' as input_name,
        coalesce(rejection_reason, line_type) as outcome,
        customer_id,
        case when {{ is_finite("line_value") }} then line_value end as row_value,
        is_accepted
    from transaction_lines

    union all

    select
        'events' as input_name,
        coalesce(rejection_reason, event_type) as outcome,
        customer_id,
        cast(null as double) as row_value,
        is_accepted
    from events

    union all

    select
        'coupon_redemptions' as input_name,
        coalesce(rejection_reason, 'accepted') as outcome,
        customer_id,
        discount_amount as row_value,
        is_accepted
    from redemptions

),

counted as (

    select
        input_name,
        outcome,
        count(*) as row_count,
        count(distinct customer_id) as customer_count,
        sum(row_value) as total_value,
        is_accepted

    from outcomes
    group by input_name, outcome, is_accepted

),

final as (

    select
        cast(input_name as string) as input_name,
        cast(outcome as string) as outcome,
        cast(row_count as bigint) as row_count,
        cast(customer_count as bigint) as customer_count,
        cast((row_count / sum(row_count) over (partition by input_name)) as double) as row_share,
        cast(total_value as double) as total_value,
        cast(is_accepted as boolean) as is_accepted

    from counted

)

select * from final
order by input_name, is_accepted desc, row_count desc
