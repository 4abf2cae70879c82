-- Every row read from the transactions, events and coupon redemptions inputs is accepted in its
-- validation model or listed in rejected_rows, and input_quality counts each of them once.
with read_rows as (

    select 'transactions' as input_name, count(*) as rows_read from {{ ref('stg_transactions') }}
    union all
    select 'events', count(*) from {{ ref('stg_events') }}
    union all
    select 'coupon_redemptions', count(*) from {{ ref('stg_coupon_redemptions') }}

),

accepted as (

    select 'transactions' as input_name, count(*) filter (where is_accepted) as rows_accepted
    from {{ ref('int_transaction_lines_validated') }}
    union all
    select 'events', count(*) filter (where is_accepted) from {{ ref('int_event_rows_validated') }}
    union all
    select 'coupon_redemptions', count(*) filter (where is_accepted)
    from {{ ref('int_coupon_redemptions_validated') }}

),

rejected as (

    select input_name, count(*) as rows_rejected
    from {{ ref('rejected_rows') }}
    group by all

),

quality as (

    select input_name, sum(row_count) as rows_counted
    from {{ ref('input_quality') }}
    group by all

)

select
    read_rows.input_name,
    read_rows.rows_read,
    accepted.rows_accepted,
    coalesce(rejected.rows_rejected, 0) as rows_rejected,
    coalesce(quality.rows_counted, 0) as rows_counted

from read_rows
inner join accepted on read_rows.input_name = accepted.input_name
left join rejected on read_rows.input_name = rejected.input_name
left join quality on read_rows.input_name = quality.input_name
where read_rows.rows_read <> accepted.rows_accepted + coalesce(rejected.rows_rejected, 0)
    or read_rows.rows_read <> coalesce(quality.rows_counted, 0)
