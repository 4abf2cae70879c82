-- Every customer with a valid purchase (and every customer with an event or a redemption) is segmented
-- exactly once.
with input_customers as (

    select customer_id from {{ ref('int_transactions_aggregated_to_customers') }}
    union
    select customer_id from {{ ref('int_events_aggregated_to_customers') }}
    union
    select customer_id from {{ ref('int_coupon_redemptions_aggregated_to_customers') }}

),

segments as (

    select customer_id, count(*) as memberships from {{ ref('customer_segments') }} group by all

)

select
    input_customers.customer_id,
    coalesce(segments.memberships, 0) as memberships

from input_customers
left join segments on input_customers.customer_id = segments.customer_id
where segments.memberships is distinct from 1
