-- Customers who sit between segments (lowest silhouette): candidates for review before a campaign.
select
    customer_id,
    segment_name,
    round(silhouette, 3) as silhouette,
    round(confidence, 3) as confidence,
    distinguishing_features
from {{ ref('customer_segments') }}
order by silhouette, customer_id
limit 100
