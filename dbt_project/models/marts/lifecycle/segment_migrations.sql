{#- Who moved where between the last two runs (segment_runs): one row per (from segment, to segment) pair
    with the number of customers. from_segment_id is NULL for customers new at the latest run,
    to_segment_id NULL for customers gone from it; on the first run every customer is new. Names are the
    ones each side's model version gave the segment. -#}

with history as (

    select * from {{ ref('segment_history') }}

),

runs as (

    select * from {{ ref('segment_runs') }}

),

names as (

    select * from {{ ref('int_segment_names_assigned') }}

),

last_two_runs as (

    select
        max(run_started_at) as latest_run_at,
        max(run_started_at) filter (
            where run_started_at < (select max(run_started_at) from runs)
        ) as previous_run_at

    from runs

),

at_previous_run as (

    select history.customer_id, history.segment_id, history.model_version
    from history
    inner join last_two_runs
        on history.valid_from <= last_two_runs.previous_run_at
        and (history.valid_to is null or history.valid_to > last_two_runs.previous_run_at)

),

at_latest_run as (

    select history.customer_id, history.segment_id, history.model_version
    from history
    inner join last_two_runs
        on history.valid_from <= last_two_runs.latest_run_at
        and (history.valid_to is null or history.valid_to > last_two_runs.latest_run_at)

),

moves as (

    select
        at_previous_run.segment_id as from_segment_id,
        at_previous_run.model_version as from_model_version,
        at_latest_run.segment_id as to_segment_id,
        at_latest_run.model_version as to_model_version,
        count(*) as customers

    from at_previous_run
    full outer join at_latest_run on at_previous_run.customer_id = at_latest_run.customer_id
    group by
        at_previous_run.segment_id,
        at_previous_run.model_version,
        at_latest_run.segment_id,
        at_latest_run.model_version

),

final as (

    select
        cast(moves.from_segment_id as integer) as from_segment_id,
        from_names.segment_name as from_segment_name,
        cast(moves.to_segment_id as integer) as to_segment_id,
        to_names.segment_name as to_segment_name,
        cast(moves.from_model_version as integer) as from_model_version,
        cast(moves.to_model_version as integer) as to_model_version,
        cast(moves.customers as bigint) as customers,
        moves.customers / sum(moves.customers) over () as customer_share,
        moves.from_segment_id is distinct from moves.to_segment_id as is_move,
        last_two_runs.previous_run_at,
        last_two_runs.latest_run_at

    from moves
    cross join last_two_runs
    left join names as from_names
        on moves.from_model_version = from_names.model_version
        and moves.from_segment_id = from_names.segment_id
    left join names as to_names
        on moves.to_model_version = to_names.model_version
        and moves.to_segment_id = to_names.segment_id

)

select * from final
order by from_segment_id nulls first, to_segment_id nulls first
