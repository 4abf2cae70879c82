{#- One row per candidate feature: whether the clustering uses it, and if not, why.
    Rule: the configured features (int_feature_candidates_listed.priority) are walked in priority order; a feature
    is a model feature unless
      - it is constant (fitted scaling scale 0: it cannot separate anyone), or
      - it is a derived ratio of counts whose reliability (int_feature_rates_measured: the share of its spread
        that is not sampling noise) is below var min_rate_reliability (default 0.5: more noise than signal),
        or
      - |Pearson r| of its winsorised values with a feature already kept exceeds var
        feature_correlation_threshold (default 0.9): the earlier, higher-priority feature is kept.
    A candidate that is not configured is computed and profiled but not used (reason 'not configured').
    With var feature_correlation_threshold null, nothing is pruned for correlation.
    The walk is a recursive query over the steps; the features kept so far are the bits of a 64-bit
    integer (so at most 62 features can be configured), which both DuckDB and Spark SQL can test. -#}
{%- set threshold = number_var('feature_correlation_threshold', allow_none=true) -%}
{%- set min_reliability = number_var('min_rate_reliability', allow_none=true) -%}
{%- if min_reliability is not none and (min_reliability | float < 0 or min_reliability | float > 1) -%}
    {{ exceptions.raise_compiler_error("var min_rate_reliability must be between 0 and 1, got " ~ min_reliability) }}
{%- endif -%}
{%- set configured_count = configured_features() | length -%}
{%- if configured_count > 62 -%}
    {{ exceptions.raise_compiler_error(
        "at most 62 features can be configured for the model; var model_features lists " ~ configured_count) }}
{%- endif %}

with recursive candidates as (

    select * from {{ ref('int_feature_candidates_listed') }}

),

fitted as (

    select * from {{ ref('int_feature_parameters_fitted') }}

),

correlations as (

    select * from {{ ref('int_feature_pairs_correlated') }}

),

rates as (

    select * from {{ ref('int_feature_rates_measured') }}

),

configured as (

    select
        candidates.feature,
        candidates.priority,
        coalesce(fitted.scaling_scale, 0) = 0 as is_constant,
        rates.reliability as rate_reliability,
        {%- if min_reliability is none %}
        false as is_sampling_noise
        {%- else %}
        coalesce(rates.is_count_rate and rates.reliability < {{ min_reliability }}, false) as is_sampling_noise
        {%- endif %}

    from candidates
    left join fitted on candidates.feature = fitted.feature
    left join rates on candidates.feature = rates.feature
    where candidates.is_configured

),

steps as (

    select
        feature,
        row_number() over (order by priority) as step

    from configured
    where not is_constant and not is_sampling_noise

),

symmetric_correlations as (

    select feature_a, feature_b, abs_pearson_r from correlations
    union all
    select feature_b as feature_a, feature_a as feature_b, abs_pearson_r from correlations

),

blockers as (

    -- Per step, the earlier steps whose feature it is too strongly correlated with, as bits.
    select
        later.step,
        sum(cast(power(2, earlier.step - 1) as bigint)) as blocker_bits

    from steps as later
    inner join symmetric_correlations on later.feature = symmetric_correlations.feature_a
    inner join steps as earlier
        on symmetric_correlations.feature_b = earlier.feature
        and earlier.step < later.step
    {%- if threshold is none %}
    where 1 = 0
    {%- else %}
    where symmetric_correlations.abs_pearson_r > {{ threshold }}
    {%- endif %}
    group by later.step

),

walk_steps as (

    select
        steps.step,
        coalesce(blockers.blocker_bits, 0) as blocker_bits

    from steps
    left join blockers on steps.step = blockers.step

),

walk as (

    select
        cast(0 as bigint) as step,
        cast(0 as bigint) as kept_bits

    union all

    select
        walk_steps.step,
        case
            when (walk.kept_bits & walk_steps.blocker_bits) = 0
                then walk.kept_bits + cast(power(2, walk_steps.step - 1) as bigint)
            else walk.kept_bits
        end as kept_bits

    from walk
    inner join walk_steps on walk_steps.step = walk.step + 1

),

last_step as (

    select kept_bits
    from walk
    where step = (select max(step) from walk)

),

kept as (

    select steps.feature
    from steps
    cross join last_step
    where (last_step.kept_bits & cast(power(2, steps.step - 1) as bigint)) <> 0

),

kept_correlations as (

    -- The kept, earlier features each configured feature correlates with, strongest first.
    select
        steps.feature,
        symmetric_correlations.feature_b as correlated_with,
        symmetric_correlations.abs_pearson_r,
        row_number() over (
            partition by steps.feature
            order by symmetric_correlations.abs_pearson_r desc, other.step
        ) as strength_rank

    from steps
    inner join symmetric_correlations on steps.feature = symmetric_correlations.feature_a
    inner join steps as other on symmetric_correlations.feature_b = other.feature and other.step < steps.step
    inner join kept on other.feature = kept.feature

),

nearest_kept as (

    select feature, correlated_with, abs_pearson_r
    from kept_correlations
    where strength_rank = 1

),

final as (

    select
        candidates.feature,
        candidates.input_name,
        candidates.feature_kind,
        case
            when not candidates.is_configured then 'not configured'
            when configured.is_constant then 'constant'
            when configured.is_sampling_noise
                then 'mostly sampling noise (rate reliability ' || printf('%.2f', configured.rate_reliability)
                    || ' < ' || {{ sql_string(min_reliability) }} || ')'
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
        configured.rate_reliability,
        kept.feature is not null as is_selected

    from candidates
    left join configured on candidates.feature = configured.feature
    left join kept on candidates.feature = kept.feature
    left join nearest_kept on candidates.feature = nearest_kept.feature

)

select * from final
order by candidate_order
