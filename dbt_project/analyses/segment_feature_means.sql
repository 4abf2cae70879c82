-- Segment x feature: mean and median in the feature's units, against all customers, with the z-score lift.
select
    segment_id,
    segment_name,
    feature,
    round(mean_value, 2) as segment_mean,
    round(overall_mean_value, 2) as all_customers_mean,
    round(median_value, 2) as segment_median,
    round(centroid_z, 2) as lift_z
from {{ ref('segment_centroids') }}
order by segment_id, abs(centroid_z) desc
