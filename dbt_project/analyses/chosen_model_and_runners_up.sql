-- The chosen model and the best candidate of every other k, with the criteria the rule used.
select
    algorithm,
    k,
    round(silhouette, 3) as silhouette,
    round(calinski_harabasz, 0) as calinski_harabasz,
    round(davies_bouldin, 3) as davies_bouldin,
    round(prediction_strength, 3) as prediction_strength,
    round(100 * smallest_segment_share, 1) as smallest_segment_pct,
    is_selected,
    ineligible_reason
from {{ ref('model_selection') }}
where is_k_representative or is_selected
order by k
