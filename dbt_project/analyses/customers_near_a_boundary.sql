-- Customers who sit between segments (lowest confidence: nearly as close to another segment's centre as to
-- their own): candidates for review before a campaign.
select
    customer_id,
    segment_name,
    round(confidence, 3) as confidence,
    round(distance_to_centroid, 3) as distance_to_centroid,
    distinguishing_features
from {{ ref('customer_segments') }}
order by confidence, customer_id
limit 100
