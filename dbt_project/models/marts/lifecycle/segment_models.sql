{#- One row per trained model version: what every later run scores with (the registry's version facts,
    int_segment_models_trained). The rest of the registry: segment_model_segments (version x segment),
    segment_model_centroids (version x segment x feature), segment_model_features (version x feature: the
    frozen preprocessing). -#}

with trained as (

    select * from {{ ref('int_segment_models_trained') }}

),

versions as (

    {{ model_version_columns(
        'trained',
        ['k', 'random_seed', 'previous_model_version', 'training_customers', 'far_distance', 'max_match_distance',
         'silhouette', 'prediction_strength'],
        ['algorithm', 'trained_at', 'training_fingerprint']) }}

),

segments as (

    {{ model_segment_columns('trained', ['centroid_shift']) }}

),

matches as (

    select
        model_version,
        count(centroid_shift) as matched_segments,
        count(*) - count(centroid_shift) as new_segments,
        max(centroid_shift) as max_centroid_shift

    from segments
    group by model_version

),

final as (

    select
        cast(versions.model_version as integer) as model_version,
        cast(versions.algorithm as string) as algorithm,
        cast(versions.k as integer) as k,
        cast(versions.random_seed as bigint) as random_seed,
        cast(versions.previous_model_version as integer) as previous_model_version,
        cast(versions.training_customers as bigint) as training_customers,
        cast(case when versions.previous_model_version is null then 0 else matches.matched_segments end as integer)
            as matched_segments,
        cast(case when versions.previous_model_version is null then versions.k else matches.new_segments end as integer)
            as new_segments,
        cast(matches.max_centroid_shift as double) as max_centroid_shift,
        cast(versions.far_distance as double) as far_distance,
        cast(versions.max_match_distance as double) as max_match_distance,
        cast(versions.silhouette as double) as silhouette,
        cast(versions.prediction_strength as double) as prediction_strength,
        cast(versions.training_fingerprint as string) as training_fingerprint,
        versions.model_version = (select max(model_version) from versions) as is_current_version,
        cast(versions.trained_at as timestamp) as trained_at

    from versions
    inner join matches on versions.model_version = matches.model_version

)

select * from final
