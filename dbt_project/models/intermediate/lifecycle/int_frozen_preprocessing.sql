{#- One row per model version and model feature: the preprocessing frozen when the version was trained -
    fill value for a missing value, transform, outlier fences, scaling - and the training data's
    fingerprint. Every run scores customers with the latest version's rows (int_customer_features_scored),
    never with parameters refitted on new data.
    A new version is appended on a training run: the first build, --full-refresh, or var retrain: true.
    Otherwise nothing is appended.
    fill_value: what a customer without a value (is_imputed) gets - the value imputed at training (a
    median, a maximum or 0 by the feature's fill rule), so that later customers are filled the same way. -#}
{{ config(materialized='incremental', incremental_strategy='append') }}
-- A version is frozen only once the data passed the clustering preconditions:
-- depends_on: {{ ref('int_clustering_preconditions') }}
{%- set is_training_run = not is_incremental() or retrain_requested() %}

with selection as (

    select * from {{ ref('int_feature_selection') }}

),

transforms as (

    select * from {{ ref('int_feature_transforms') }}

),

scaling as (

    select * from {{ ref('int_feature_scaling') }}

),

candidates as (

    select * from {{ ref('int_feature_candidates') }}

),

feature_values as (

    select * from {{ ref('int_customer_feature_values') }}

),

previous_versions as (

    {%- if is_incremental() %}
    select max(model_version) as latest_version from {{ this }}
    {%- else %}
    select null::integer as latest_version
    {%- endif %}

),

model_features as (

    select
        feature,
        row_number() over (order by priority, feature) as feature_position

    from selection
    where is_model_feature

),

model_feature_values as (

    select feature_values.*
    from feature_values
    inner join model_features on feature_values.feature = model_features.feature

),

fill_values as (

    select
        feature,
        median(feature_value) filter (where is_imputed) as imputed_median,
        max(feature_value) filter (where not is_imputed) as observed_max,
        median(feature_value) filter (where not is_imputed) as observed_median

    from model_feature_values
    group by all

),

fingerprint as (

    -- Order-independent: changes when any customer, feature or value changes.
    select
        count(distinct customer_id) as training_customers,
        printf('%016x', bit_xor(hash(customer_id, feature, feature_value))) as training_fingerprint

    from model_feature_values

),

frozen as (

    select
        (coalesce(previous_versions.latest_version, 0) + 1)::integer as model_version,
        model_features.feature,
        transforms.transform,
        fingerprint.training_fingerprint,
        '{{ invocation_id }}' as invocation_id,
        model_features.feature_position::integer as feature_position,
        coalesce(
            fill_values.imputed_median,
            case candidates.fill_rule
                when 'max' then fill_values.observed_max
                when 'median' then fill_values.observed_median
            end,
            0
        )::double as fill_value,
        transforms.lower_fence::double as lower_fence,
        transforms.upper_fence::double as upper_fence,
        scaling.scaling_center::double as scaling_center,
        scaling.scaling_scale::double as scaling_scale,
        fingerprint.training_customers::bigint as training_customers,
        {{ run_timestamp() }} as trained_at

    from model_features
    inner join transforms on model_features.feature = transforms.feature
    inner join scaling on model_features.feature = scaling.feature
    inner join candidates on model_features.feature = candidates.feature
    left join fill_values on model_features.feature = fill_values.feature
    cross join previous_versions
    cross join fingerprint

)

select * from frozen
{%- if not is_training_run %}
where false
{%- endif %}
