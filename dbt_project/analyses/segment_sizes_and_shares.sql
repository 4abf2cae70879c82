-- Segment sizes and shares, largest first.
select
    segment_id,
    segment_name,
    customers,
    round(100 * customer_share, 1) as customer_share_pct,
    suggested_action
from {{ ref('segment_profiles') }}
order by customers desc
