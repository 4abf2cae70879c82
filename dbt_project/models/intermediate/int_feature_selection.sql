{#- One row per candidate feature: whether the clustering uses it, and if not, why.
    Rule: the configured features (int_feature_candidates.priority) are walked in priority order; a feature
    is a model feature unless
      - it is constant (scaling scale 0: it cannot separate anyone), or
      - |Pearson r| of its transformed, clipped values with a feature already kept exceeds var
        feature_correlation_threshold (default 0.9): the earlier, higher-priority feature is kept.
    A candidate that is not configured is computed and profiled but not used (reason 'not configured').
    With var feature_correlation_threshold null, nothing is pruned for correlation. -#}
{%- set threshold = number_var('feature_correlation_threshold', allow_none=true) -%}

with recursive candidates as (

    select * from {{ ref('int_feature_candidates') }}

),

scaling as (

    select * from {{ ref('int_feature_scaling') }}

),

correlations as (

    select * from {{ ref('int_feature_correlations') }}

),

configured as (

    select
        candidates.feature,
        candidates.priority,
        coalesce(scaling.scaling_scale, 0) = 0 as is_constant

    from candidates
    left join scaling on candidates.feature = scaling.feature
    where candidates.is_configured

),

steps as (

    select
        feature,
        row_number() over (order by priority) as step

    from configured
    where not is_constant

),

symmetric_correlations as (

    select feature_a, feature_b, abs_pearson_r from correlations
    union all
    select feature_b, feature_a, abs_pearson_r from correlations

),

strong_earlier as (

    -- For each usable feature, the earlier usable features it is too strongly correlated with.
    select
        later.feature,
        list(earlier.feature) as strongly_correlated_features

    from steps as later
    inner join steps as earlier on earlier.step < later.step
    inner join symmetric_correlations
        on later.feature = symmetric_correlations.feature_a
        and earlier.feature = symmetric_correlations.feature_b
    {%- if threshold is none %}
    where false
    {%- else %}
    where symmetric_correlations.abs_pearson_r > {{ threshold }}
    {%- endif %}
    group by all

),

walk_steps as (

    select
        steps.step,
        steps.feature,
        coalesce(strong_earlier.strongly_correlated_features, []::varchar[]) as strongly_correlated_features

    from steps
    left join strong_earlier on steps.feature = strong_earlier.feature

),

walk (step, kept_features) as (

    select
        0::bigint as step,
        []::varchar[] as kept_features

    union all

    select
        walk_steps.step,
        case
            when len(list_intersect(walk_steps.strongly_correlated_features, walk.kept_features)) = 0
                then list_append(walk.kept_features, walk_steps.feature)
            else walk.kept_features
        end as kept_features

    from walk
    inner join walk_steps on walk_steps.step = walk.step + 1

),

final_walk as (

    select kept_features
    from walk
    order by step desc
    limit 1

),

kept as (

    select unnest(kept_features) as feature
    from final_walk

),

nearest_kept as (

    -- The kept, earlier feature most correlated with each configured feature.
    select
        steps.feature,
        symmetric_correlations.feature_b as correlated_with,
        symmetric_correlations.abs_pearson_r

    from steps
    inner join symmetric_correlations on steps.feature = symmetric_correlations.feature_a
    inner join steps as other on symmetric_correlations.feature_b = other.feature and other.step < steps.step
    inner join kept on other.feature = kept.feature
    qualify row_number() over (
        partition by steps.feature order by symmetric_correlations.abs_pearson_r desc, other.step
    ) = 1

),

final as (

    select
        candidates.feature,
        candidates.input_name,
        candidates.feature_kind,
        case
            when not candidates.is_configured then 'not configured'
            when configured.is_constant then 'constant'
            when kept.feature is null
                then 'correlated with ' || nearest_kept.correlated_with
                    || ' (|r| = ' || printf('%.3f', nearest_kept.abs_pearson_r) || ')'
        end as exclusion_reason,
        nearest_kept.correlated_with,
        nearest_kept.abs_pearson_r as max_abs_correlation,
        candidates.candidate_order,
        candidates.priority,
        candidates.is_configured,
        coalesce(configured.is_constant, false) as is_constant,
        kept.feature is not null as is_model_feature

    from candidates
    left join configured on candidates.feature = configured.feature
    left join kept on candidates.feature = kept.feature
    left join nearest_kept on candidates.feature = nearest_kept.feature

)

select * from final
order by candidate_order
