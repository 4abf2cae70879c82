-- Every cleaned customer is in exactly one segment, and nobody else is.
with customers as (

    select customer_id from {{ ref('customer_features') }}

),

segments as (

    select customer_id, count(*) as memberships from {{ ref('customer_segments') }} group by all

)

select
    coalesce(customers.customer_id, segments.customer_id) as customer_id,
    coalesce(segments.memberships, 0) as memberships

from customers
full outer join segments on customers.customer_id = segments.customer_id
where customers.customer_id is null or segments.memberships is distinct from 1
