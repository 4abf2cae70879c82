{#- One row per run of the warehouse: the model version that scored it, whether that version is new since
    the previous run (a training run), and how the customers' segments changed since the previous run
    (from segment_history). -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns') }}

with history as (

    select * from {{ ref('segment_history') }}

),

models as (

    select * from {{ ref('segment_models') }}

),

assignments as (

    select * from {{ ref('int_customers_segmented') }}

),

run as (

    select {{ run_timestamp() }} as run_started_at

),

opened_now as (

    select history.customer_id, history.segment_id
    from history
    inner join run on history.valid_from = run.run_started_at

),

closed_now as (

    select history.customer_id, history.segment_id
    from history
    inner join run on history.valid_to = run.run_started_at

),

known_before as (

    select distinct history.customer_id
    from history
    inner join run on history.valid_from < run.run_started_at

),

summary as (

    select
        run.run_started_at,
        {{ sql_string(invocation_id) }} as invocation_id,
        cast((select max(model_version) from models) as integer) as model_version,
        {%- if is_incremental() %}
        (select max(model_version) from models) is distinct from (
            select max_by(model_version, run_started_at) from {{ this }}
        ) as is_new_model_version,
        {%- else %}
        true as is_new_model_version,
        {%- endif %}
        cast((select count(*) from assignments) as bigint) as customers_scored,
        cast((
            select count(*) from opened_now
            where opened_now.customer_id not in (select customer_id from known_before)
        ) as bigint) as new_customers,
        cast((
            select count(*) from opened_now
            inner join closed_now on opened_now.customer_id = closed_now.customer_id
            where opened_now.segment_id <> closed_now.segment_id
        ) as bigint) as customers_moved,
        cast((
            select count(*) from closed_now
            where closed_now.customer_id not in (select customer_id from opened_now)
        ) as bigint) as customers_gone,
        cast((
            select avg(case when is_far_from_centroids then 1 else 0 end) from assignments
        ) as double) as far_from_centroids_share

    from run

),

final as (

    select
        invocation_id,
        model_version,
        customers_scored,
        new_customers,
        customers_moved,
        customers_gone,
        far_from_centroids_share,
        is_new_model_version,
        run_started_at

    from summary

)

select * from final
