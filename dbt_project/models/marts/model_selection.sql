{#- One row per clustering candidate (algorithm x k) of the model version in use: the selection it was
    trained with (int_segment_candidates_evaluated keeps every version's). -#}

with candidates as (

    select * from {{ ref('int_segment_candidates_evaluated') }}
    where model_version = (select max(model_version) from {{ ref('int_segment_candidates_evaluated') }})

),

final as (

    select
        cast(model_version as integer) as model_version,
        cast(algorithm as string) as algorithm,
        cast(k as integer) as k,
        cast(ineligible_reason as string) as ineligible_reason,
        cast(features_used as string) as features_used,
        cast(fit_sample_size as bigint) as fit_sample_size,
        cast(silhouette as double) as silhouette,
        cast(calinski_harabasz as double) as calinski_harabasz,
        cast(davies_bouldin as double) as davies_bouldin,
        cast(bic as double) as bic,
        cast(inertia as double) as inertia,
        cast(prediction_strength as double) as prediction_strength,
        cast(smallest_segment_share as double) as smallest_segment_share,
        cast(noise_share as double) as noise_share,
        cast(consensus_rank as double) as consensus_rank,
        cast(random_seed as bigint) as random_seed,
        cast(silhouette_tolerance as double) as silhouette_tolerance,
        cast(reproducible_k_floor as double) as reproducible_k_floor,
        cast(stability_floor as double) as stability_floor,
        cast(min_segment_share as double) as min_segment_share,
        cast(max_noise_share as double) as max_noise_share,
        cast(is_eligible as boolean) as is_eligible,
        cast(is_k_representative as boolean) as is_k_representative,
        cast(is_selected as boolean) as is_selected,
        cast(chosen_by as string) as chosen_by

    from candidates

)

select * from final
order by algorithm, k
