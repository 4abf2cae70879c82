{#- One row per candidate feature: the preprocessing parameters this build applies - the frozen ones of
    the model version in use (the latest in int_feature_parameters_frozen), so that everything describing the
    model (customer_features, segment statistics, profiles, centroids, drift) shows what the model saw;
    today's fitted parameters only for a feature the version has none for (a column the inputs gained
    since), flagged is_frozen = false. On a training run the two are the same. -#}

with fitted as (

    select * from {{ ref('int_feature_parameters_fitted') }}

),

frozen as (

    select * from {{ ref('int_feature_parameters_frozen') }}
    where model_version = (select max(model_version) from {{ ref('int_feature_parameters_frozen') }})

),

final as (

    select
        fitted.feature,
        fitted.input_name,
        fitted.feature_kind,
        case when frozen.feature is not null then frozen.transform else fitted.transform end as transform,
        frozen.model_version,
        frozen.feature_position,
        case when frozen.feature is not null then frozen.fill_value else fitted.fill_value end as fill_value,
        case when frozen.feature is not null then frozen.lower_fence else fitted.lower_fence end as lower_fence,
        case when frozen.feature is not null then frozen.upper_fence else fitted.upper_fence end as upper_fence,
        case when frozen.feature is not null then frozen.scaling_center else fitted.scaling_center end
            as scaling_center,
        case when frozen.feature is not null then frozen.scaling_scale else fitted.scaling_scale end
            as scaling_scale,
        coalesce(frozen.is_model_feature, false) as is_model_feature,
        frozen.feature is not null as is_frozen,
        fitted.candidate_order

    from fitted
    left join frozen on fitted.feature = frozen.feature

)

select * from final
order by candidate_order
