{#- One row per model version and candidate feature: the preprocessing frozen when the version was trained
    - fill value, transform, outlier fences, scaling (today's fitted parameters at that run,
    int_feature_parameters_fitted) - whether the version's model uses the feature and where (feature_position,
    the column order of its centroids), and the training data's fingerprint. Every later run scores and
    describes customers with the latest version's rows (int_feature_parameters_applied), never with
    parameters refitted on new data.
    A new version is appended when the build trains (the training_run macro decides: the first build,
    --full-refresh, var retrain true, a training that did not finish, or missing lifecycle state).
    Otherwise nothing is appended. -#}
{{ config(materialized='incremental', incremental_strategy='append') }}
-- A version is frozen only once the data passed the clustering preconditions:
-- depends_on: {{ ref('int_clustering_inputs_checked') }}
{%- set training = training_run() -%}
{%- if execute and training.is_training and flags.WHICH in ['run', 'build'] -%}
    {%- do log("This build trains model version " ~ training.model_version ~ ": " ~ training.reason ~ ".", info=true) -%}
    {#- Training reads the clustering vars from int_clustering_inputs_checked: they must be this build's,
        not those of an earlier build that a selective run left in place. -#}
    {%- set checked_by = run_query(
        "select invocation_id from " ~ ref('int_clustering_inputs_checked')).columns[0].values() -%}
    {%- if checked_by | list != [invocation_id] -%}
        {{ exceptions.raise_compiler_error(
            "this build trains a model version, but int_clustering_inputs_checked (the clustering vars, checked) "
            ~ "was not rebuilt by it: include it in the selection, e.g. --select int_clustering_inputs_checked+") }}
    {%- endif -%}
{%- endif -%}
{%- set feature_columns = candidate_features() | reject('in', derived_ratios().keys() | list) | list %}

{%- if is_incremental() and not training.is_training %}

select * from {{ this }}
where 1 = 0

{%- else %}

with selection as (

    select * from {{ ref('int_features_selected') }}

),

fitted as (

    select * from {{ ref('int_feature_parameters_fitted') }}

),

features as (

    select * from {{ ref('int_customer_features_joined') }}

),

model_features as (

    select
        feature,
        row_number() over (order by priority, feature) as feature_position

    from selection
    where is_selected

),

fingerprint as (

    -- Order-independent: changes when any customer or any observed value changes.
    select
        count(*) as training_customers,
        printf('%016x', bit_xor({{ row_hash(['customer_id'] + feature_columns) }})) as training_fingerprint

    from features

),

frozen as (

    select
        cast({{ training.model_version or 1 }} as integer) as model_version,
        fitted.feature,
        fitted.transform,
        fingerprint.training_fingerprint,
        {{ sql_string(invocation_id) }} as invocation_id,
        cast(model_features.feature_position as integer) as feature_position,
        cast(fitted.fill_value as double) as fill_value,
        cast(fitted.lower_fence as double) as lower_fence,
        cast(fitted.upper_fence as double) as upper_fence,
        cast(fitted.scaling_center as double) as scaling_center,
        cast(fitted.scaling_scale as double) as scaling_scale,
        cast(fingerprint.training_customers as bigint) as training_customers,
        model_features.feature is not null as is_model_feature,
        {{ run_timestamp() }} as trained_at

    from fitted
    left join model_features on fitted.feature = model_features.feature
    cross join fingerprint

)

select * from frozen

{%- endif %}
