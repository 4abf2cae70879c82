{#- One row per model version and candidate feature: the preprocessing frozen when the version was trained
    (int_feature_parameters_frozen) - fill value, transform, outlier fences (also in feature units), scaling
    - and whether and where the version's model uses the feature. Versions frozen by a training that did not
    finish are left out. -#}

with frozen as (

    select * from {{ ref('int_feature_parameters_frozen') }}

),

trained as (

    select distinct model_version from {{ ref('int_segment_models_trained') }}

),

final as (

    select
        cast(frozen.model_version as integer) as model_version,
        cast(frozen.feature as string) as feature,
        cast(frozen.transform as string) as transform,
        cast(frozen.feature_position as integer) as feature_position,
        cast(frozen.fill_value as double) as fill_value,
        cast(frozen.lower_fence as double) as lower_fence,
        cast(frozen.upper_fence as double) as upper_fence,
        cast({{ value_in_feature_units('frozen.transform', 'frozen.lower_fence') }} as double) as lower_fence_value,
        cast({{ value_in_feature_units('frozen.transform', 'frozen.upper_fence') }} as double) as upper_fence_value,
        cast(frozen.scaling_center as double) as scaling_center,
        cast(frozen.scaling_scale as double) as scaling_scale,
        cast(frozen.training_customers as bigint) as training_customers,
        frozen.is_model_feature,
        frozen.trained_at

    from frozen
    inner join trained on frozen.model_version = trained.model_version

)

select * from final
