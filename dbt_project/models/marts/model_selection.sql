{#- One row per clustering candidate (algorithm x k) of the model version in use: the selection it was
    trained with (int_segment_candidates keeps every version's). -#}

with candidates as (

    select * from {{ ref('int_segment_candidates') }}
    where model_version = (select max(model_version) from {{ ref('int_segment_candidates') }})

),

final as (

    select
        model_version::integer as model_version,
        algorithm::varchar as algorithm,
        k::integer as k,
        ineligible_reason::varchar as ineligible_reason,
        features_used::varchar as features_used,
        fit_sample_size::bigint as fit_sample_size,
        silhouette::double as silhouette,
        calinski_harabasz::double as calinski_harabasz,
        davies_bouldin::double as davies_bouldin,
        bic::double as bic,
        inertia::double as inertia,
        stability_ari::double as stability_ari,
        smallest_segment_share::double as smallest_segment_share,
        noise_share::double as noise_share,
        consensus_rank::double as consensus_rank,
        random_seed::bigint as random_seed,
        silhouette_tolerance::double as silhouette_tolerance,
        stability_floor::double as stability_floor,
        min_segment_share::double as min_segment_share,
        is_eligible::boolean as is_eligible,
        is_k_representative::boolean as is_k_representative,
        is_selected::boolean as is_selected

    from candidates

)

select * from final
order by algorithm, k
