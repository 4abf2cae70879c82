{#- One row: what the lifecycle marts say about the model version in use, worked out from the numbers.
    Retrain when features drifted beyond the PSI threshold (feature_drift.is_drifted) or a segment holds
    too many customers far from every centroid (segment_drift, var drift_far_share_threshold); watch when,
    at the last retrain, centres moved more than var drift_centroid_shift_threshold or new segments
    appeared; ok otherwise. Beside the level: a one-sentence verdict and its reason, the counts and lists
    behind them, the thresholds, the latest run (segment_runs) and who stayed, moved, left or arrived
    between the last two runs (segment_migrations). Lists are text, ordered and joined with '; '. -#}
{%- set psi_threshold = number_var('drift_psi_threshold') | float -%}
{%- set far_threshold = number_var('drift_far_share_threshold') | float -%}
{%- set shift_threshold = number_var('drift_centroid_shift_threshold') | float -%}
{#- Thresholds in sentences as the reports print them: 0.25, 5%. -#}
{%- set psi_threshold_text = '%g' | format(psi_threshold) -%}
{%- set far_threshold_text = '%.0f%%' | format(100 * far_threshold) -%}
{%- set shift_threshold_text = '%g' | format(shift_threshold) -%}

with models as (

    select * from {{ ref('segment_models') }}

),

feature_drift as (

    select * from {{ ref('feature_drift') }}

),

segment_drift as (

    select * from {{ ref('segment_drift') }}

),

runs as (

    select * from {{ ref('segment_runs') }}

),

migrations as (

    select * from {{ ref('segment_migrations') }}

),

current_version as (

    select model_version, previous_model_version
    from models
    where is_current_version

),

features as (

    select
        count(*) as feature_count,
        sum(case when is_drifted then 1 else 0 end) as drifted_feature_count,
        {{ ordered_string_agg(
            "case when is_drifted then feature || ' (' || " ~ fixed_decimals_text('psi', 2) ~ " || ')' end",
            "'; '", [['psi', 'desc'], ['feature', 'asc']]) }} as drifted_features,
        sum(case when psi_reading = 'moderate' then 1 else 0 end) as moderate_feature_count,
        {{ ordered_string_agg(
            "case when psi_reading = 'moderate' then feature || ' (' || " ~ fixed_decimals_text('psi', 2) ~ " || ')' end",
            "'; '", [['psi', 'desc'], ['feature', 'asc']]) }} as moderate_features,
        max(psi) as largest_psi

    from feature_drift

),

segments as (

    select
        segment_drift.*,
        coalesce(segment_drift.segment_name, 'Segment ' || cast(segment_drift.segment_id as string)) as segment_label,
        segment_drift.far_from_centroids_share > {{ far_threshold }} as is_far,
        -- The centre comparisons count only when the version in use was matched to a previous one.
        current_version.previous_model_version is not null
            and segment_drift.centroid_shift > {{ shift_threshold }} as is_moved_far,
        current_version.previous_model_version is not null
            and segment_drift.centroid_shift is null as is_new

    from segment_drift
    cross join current_version

),

segment_counts as (

    select
        sum(case when is_far then 1 else 0 end) as far_segment_count,
        {{ ordered_string_agg(
            "case when is_far then segment_label || ' (' || " ~ percent_text('far_from_centroids_share') ~ " || ')' end",
            "'; '", [['far_from_centroids_share', 'desc'], ['segment_id', 'asc']]) }} as far_segments,
        max(far_from_centroids_share) as largest_far_share,
        sum(case when is_moved_far then 1 else 0 end) as moved_segment_count,
        {{ ordered_string_agg(
            "case when is_moved_far then segment_label || ' (' || " ~ fixed_decimals_text('centroid_shift', 2) ~ " || ')' end",
            "'; '", [['centroid_shift', 'desc'], ['segment_id', 'asc']]) }} as moved_segments,
        sum(case when is_new then 1 else 0 end) as new_segment_count,
        {{ ordered_string_agg("case when is_new then segment_label end", "'; '", [['segment_id', 'asc']]) }} as new_segments

    from segments

),

latest_run as (

    select
        run_count.runs,
        runs.run_started_at as latest_run_at,
        runs.is_new_model_version,
        runs.customers_scored,
        runs.new_customers,
        runs.customers_moved,
        runs.customers_gone

    from runs
    cross join (select count(*) as runs, max(run_started_at) as latest_run_at from runs) as run_count
    where runs.run_started_at = run_count.latest_run_at

),

-- Between the last two runs: the previous run's customers stayed, moved or are gone; the others arrived.
migration_counts as (

    select
        max(previous_run_at) as previous_run_at,
        max(from_model_version) as previous_run_model_version,
        coalesce(sum(case when from_segment_id is not null then customers end), 0) as previous_run_customers,
        coalesce(sum(case when from_segment_id is not null and not is_move then customers end), 0)
            as customers_stayed,
        coalesce(sum(case when from_segment_id is null then customers end), 0) as customers_arrived

    from migrations

),

counted as (

    select
        current_version.model_version,
        current_version.previous_model_version,
        coalesce(features.feature_count, 0) as feature_count,
        coalesce(features.drifted_feature_count, 0) as drifted_feature_count,
        features.drifted_features,
        coalesce(features.moderate_feature_count, 0) as moderate_feature_count,
        features.moderate_features,
        features.largest_psi,
        coalesce(segment_counts.far_segment_count, 0) as far_segment_count,
        segment_counts.far_segments,
        segment_counts.largest_far_share,
        coalesce(segment_counts.moved_segment_count, 0) as moved_segment_count,
        segment_counts.moved_segments,
        coalesce(segment_counts.new_segment_count, 0) as new_segment_count,
        segment_counts.new_segments,
        latest_run.runs,
        latest_run.latest_run_at,
        latest_run.is_new_model_version,
        latest_run.customers_scored,
        latest_run.new_customers,
        latest_run.customers_moved,
        latest_run.customers_gone,
        migration_counts.previous_run_at,
        migration_counts.previous_run_model_version,
        migration_counts.previous_run_customers,
        migration_counts.customers_stayed,
        migration_counts.customers_arrived

    from current_version
    cross join features
    cross join segment_counts
    cross join migration_counts
    left join latest_run on 1 = 1

),

judged as (

    select
        counted.*,
        case
            when drifted_feature_count > 0 or far_segment_count > 0 then 'retrain'
            when moved_segment_count > 0 or new_segment_count > 0 then 'watch'
            else 'ok'
        end as verdict_level,
        concat_ws('; ',
            case when drifted_feature_count > 0
                then {{ counted_text('drifted_feature_count', 'feature') }} || ' drifted beyond the PSI threshold' end,
            case when far_segment_count > 0
                then {{ counted_text('far_segment_count', 'segment') }} || ' with more than {{ far_threshold_text }} of '
                    || case when far_segment_count = 1 then 'its' else 'their' end
                    || ' customers far from every centroid' end
        ) as retrain_reasons,
        concat_ws('; ',
            case when moved_segment_count > 0
                then {{ counted_text('moved_segment_count', 'centre') }} || ' moved more than {{ shift_threshold_text }}' end,
            case when new_segment_count > 0 then {{ counted_text('new_segment_count', 'new segment') }} end
        ) as review_reasons

    from counted

),

final as (

    select
        cast(model_version as integer) as model_version,
        cast(previous_model_version as integer) as previous_model_version,
        cast(verdict_level as string) as verdict_level,
        cast(case verdict_level
            when 'retrain' then 'Drift: a retrain is recommended.'
            when 'watch' then 'No drift, but review the last retrain to version ' || cast(model_version as string) || '.'
            else 'No drift: keep scoring with version ' || cast(model_version as string) || '.'
        end as string) as verdict,
        cast(case verdict_level
            when 'retrain' then retrain_reasons || '.'
            when 'watch' then review_reasons || '.'
            else 'Largest PSI ' || coalesce({{ fixed_decimals_text('largest_psi', 2) }}, '–')
                || ' (threshold {{ psi_threshold_text }}); at most '
                || coalesce({{ percent_text('largest_far_share') }}, '–')
                || ' of a segment''s customers far from every centroid (threshold {{ far_threshold_text }}).'
        end as string) as reason,
        cast(feature_count as integer) as feature_count,
        cast(drifted_feature_count as integer) as drifted_feature_count,
        cast(drifted_features as string) as drifted_features,
        cast(moderate_feature_count as integer) as moderate_feature_count,
        cast(moderate_features as string) as moderate_features,
        cast(largest_psi as double) as largest_psi,
        cast(far_segment_count as integer) as far_segment_count,
        cast(far_segments as string) as far_segments,
        cast(largest_far_share as double) as largest_far_share,
        cast(moved_segment_count as integer) as moved_segment_count,
        cast(moved_segments as string) as moved_segments,
        cast(new_segment_count as integer) as new_segment_count,
        cast(new_segments as string) as new_segments,
        cast({{ psi_stable_threshold() }} as double) as psi_stable_threshold,
        cast({{ psi_threshold }} as double) as psi_threshold,
        cast({{ far_threshold }} as double) as far_share_threshold,
        cast({{ shift_threshold }} as double) as centroid_shift_threshold,
        cast(runs as bigint) as runs,
        runs = 1 as is_first_run,
        latest_run_at,
        cast(is_new_model_version as boolean) as is_new_model_version,
        cast(customers_scored as bigint) as customers_scored,
        cast(new_customers as bigint) as new_customers,
        cast(customers_moved as bigint) as customers_moved,
        cast(customers_gone as bigint) as customers_gone,
        previous_run_at,
        cast(previous_run_model_version as integer) as previous_run_model_version,
        cast(previous_run_customers as bigint) as previous_run_customers,
        cast(customers_stayed as bigint) as customers_stayed,
        cast(customers_arrived as bigint) as customers_arrived

    from judged

)

select * from final
