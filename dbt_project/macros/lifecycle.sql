{#- The run's start (UTC) as a timestamp: every lifecycle table stamps its rows with it, so one run's rows
    share one instant. -#}
{% macro run_timestamp() %}
    {{- return("cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp)") -}}
{% endmacro %}

{#- var retrain as a boolean: true trains a new model version; anything but true/false is an error. -#}
{% macro retrain_requested() %}
    {%- set value = var('retrain', false) -%}
    {%- set text = value | string | trim | lower -%}
    {%- if text in ['true', '1', 'yes'] -%}{{ return(true) }}{%- endif -%}
    {%- if text in ['false', '0', 'no', 'none', 'null', ''] -%}{{ return(false) }}{%- endif -%}
    {{ exceptions.raise_compiler_error("var retrain must be true or false, got '" ~ value ~ "'") }}
{% endmacro %}

{#- A lifecycle state table by name (schema lifecycle of the warehouse), none when it does not exist. -#}
{% macro lifecycle_relation(identifier) %}
    {{ return(adapter.get_relation(
        database=target.database, schema=generate_schema_name('lifecycle', none), identifier=identifier)) }}
{% endmacro %}

{#- The one decision whether this build trains a new model version, made from the state the build found:
    {'is_training': ..., 'reason': ..., 'model_version': the version this build trains or scores with}.
    A build trains on --full-refresh, with var retrain true, when no model version exists yet, when the
    last training did not finish (a version frozen but never trained), or when a state table the scoring
    needs is missing (a warehouse whose lifecycle tables an earlier layout of the project named otherwise);
    otherwise it scores with the latest trained version. Rows written by this invocation are left out of the state, so every model of the
    build - before or after the new version is written - gets the same answer. -#}
{% macro training_run() %}
    {%- set state = {'latest_frozen': none, 'latest_trained': none, 'missing': []} -%}
    {%- if execute and not flags.FULL_REFRESH -%}
        {%- set frozen = lifecycle_relation('int_feature_parameters_frozen') -%}
        {%- set trained = lifecycle_relation('int_segment_models_trained') -%}
        {%- if frozen is not none -%}
            {%- set earlier = "(select model_version from " ~ frozen ~ " where invocation_id <> "
                ~ sql_string(invocation_id) ~ ")" -%}
            {%- do state.update({'latest_frozen': run_query(
                "select max(model_version) from " ~ earlier ~ " as versions").columns[0].values()[0]}) -%}
            {%- if trained is not none -%}
                {%- do state.update({'latest_trained': run_query(
                    "select max(model_version) from " ~ trained ~ " where model_version in " ~ earlier
                ).columns[0].values()[0]}) -%}
            {%- endif -%}
        {%- endif -%}
        {%- for identifier in ['int_segment_candidates_evaluated', 'int_segment_names_assigned'] -%}
            {%- if lifecycle_relation(identifier) is none -%}{%- do state.missing.append(identifier) -%}{%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not execute -%}
        {%- set decision = {'is_training': false, 'reason': 'parsing'} -%}
    {%- elif flags.FULL_REFRESH -%}
        {%- set decision = {'is_training': true, 'reason': 'full refresh'} -%}
    {%- elif state.latest_trained is none -%}
        {%- set decision = {'is_training': true, 'reason': 'no trained model version yet'} -%}
    {%- elif retrain_requested() -%}
        {%- set decision = {'is_training': true, 'reason': 'var retrain'} -%}
    {%- elif state.latest_frozen != state.latest_trained -%}
        {%- set decision = {'is_training': true, 'reason': 'the last training did not finish'} -%}
    {%- elif state.missing -%}
        {%- set decision = {'is_training': true,
                            'reason': 'the lifecycle state has no ' ~ (state.missing | join(' and '))} -%}
    {%- else -%}
        {%- set decision = {'is_training': false, 'reason': 'scoring with the latest trained version'} -%}
    {%- endif -%}
    {%- if decision.is_training -%}
        {%- do decision.update({'model_version': (state.latest_frozen or 0) + 1}) -%}
    {%- else -%}
        {%- do decision.update({'model_version': state.latest_trained}) -%}
    {%- endif -%}
    {{ return(decision) }}
{% endmacro %}

{#- The features of the model version in use (the latest in int_feature_parameters_frozen), in model order.
    Empty before that table exists (parsing, or compiling a fresh project). -#}
{% macro frozen_model_features() %}
    {%- set frozen_relation = ref('int_feature_parameters_frozen') -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set frozen = load_relation(frozen_relation) -%}
    {%- if frozen is none -%}{{ return([]) }}{%- endif -%}
    {%- set rows = run_query(
        "select feature from " ~ frozen ~ " where is_model_feature and model_version = "
        ~ "(select max(model_version) from " ~ frozen ~ ") order by feature_position") -%}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}

{#- The segment ids of the latest trained model version, in the model's order (segment_position). -#}
{% macro trained_segment_ids() %}
    {%- set trained_relation = ref('int_segment_models_trained') -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set trained = load_relation(trained_relation) -%}
    {%- if trained is none -%}{{ return([]) }}{%- endif -%}
    {%- set rows = run_query(
        "select segment_id from " ~ trained ~ " where parameter = 'segment_position' and model_version = "
        ~ "(select max(model_version) from " ~ trained ~ ") order by value") -%}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}

{#- One row per model version of int_segment_models_trained's version-level parameters, as columns:
    numbers in `numbers`, texts in `texts`. A small pivot of the parameter rows. -#}
{% macro model_version_columns(relation, numbers, texts) -%}
    select
        model_version,
        {%- for name in numbers %}
        max(case when parameter = {{ sql_string(name) }} then value end) as {{ name }},
        {%- endfor %}
        {%- for name in texts %}
        max(case when parameter = {{ sql_string(name) }} then text_value end) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    where segment_id is null and feature is null
    group by model_version
{%- endmacro %}

{#- One row per model version and segment of the per-segment parameters, as columns (numbers). -#}
{% macro model_segment_columns(relation, numbers) -%}
    select
        model_version,
        segment_id,
        {%- for name in numbers %}
        max(case when parameter = {{ sql_string(name) }} then value end) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    where segment_id is not null and feature is null
    group by model_version, segment_id
{%- endmacro %}

{#- A text fact of the latest trained model version (e.g. 'algorithm'); none before training. -#}
{% macro trained_text(parameter) %}
    {%- set trained_relation = ref('int_segment_models_trained') -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set trained = load_relation(trained_relation) -%}
    {%- if trained is none -%}{{ return(none) }}{%- endif -%}
    {%- set rows = run_query(
        "select text_value from " ~ trained ~ " where parameter = " ~ sql_string(parameter)
        ~ " and segment_id is null and model_version = (select max(model_version) from " ~ trained ~ ")") -%}
    {{ return(rows.columns[0].values()[0] if rows.rows | length else none) }}
{% endmacro %}

{#- --- Reading drift --------------------------------------------------------------------------------- -#}

{#- The usual reading of a population stability index, defined once: below 0.1 stable, from 0.1 up to the
    drift threshold (var drift_psi_threshold) a moderate shift, beyond the threshold a large one (the
    feature has drifted). NULL for a NULL index. -#}
{% macro psi_stable_threshold() %}
    {{- return('0.1') -}}
{% endmacro %}

{% macro psi_reading(psi) -%}
    case
        when {{ psi }} > {{ number_var('drift_psi_threshold') }} then 'large'
        when {{ psi }} >= {{ psi_stable_threshold() }} then 'moderate'
        when {{ psi }} is not null then 'stable'
    end
{%- endmacro %}

{#- Text for the lifecycle's sentences, written the way the reports write numbers: a number with fixed
    decimals (0.40), a share as a percentage (9.0%), a count with its noun (1 feature, 2 features). -#}
{% macro fixed_decimals_text(expression, decimals) -%}
    cast(cast(round({{ expression }}, {{ decimals }}) as decimal(38, {{ decimals }})) as string)
{%- endmacro %}

{% macro percent_text(expression, decimals=1) -%}
    ({{ fixed_decimals_text('100 * (' ~ expression ~ ')', decimals) }} || '%')
{%- endmacro %}

{% macro counted_text(count_expression, noun) -%}
    (cast({{ count_expression }} as string) || ' {{ noun }}' || case when {{ count_expression }} = 1 then '' else 's' end)
{%- endmacro %}

{#- --- Incremental strategies per engine -------------------------------------------------------------- -#}

{#- How segment_history stores a run's changes (the closed periods replace their open rows, the new periods
    are added), as incremental config. DuckDB and engines with it: delete+insert on the period's key.
    Spark's parquet tables have neither delete+insert nor merge (Delta or Iceberg only): insert_overwrite
    of the partitions by model_version the run writes to, the model adding the rows of those partitions
    the run leaves unchanged. Either way the table holds the same rows. -#}
{% macro history_incremental_config() %}
    {{ return(adapter.dispatch('history_incremental_config', 'segments')()) }}
{% endmacro %}

{% macro default__history_incremental_config() %}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': ['customer_id', 'valid_from']}) }}
{% endmacro %}

{% macro spark__history_incremental_config() %}
    {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': ['model_version']}) }}
{% endmacro %}
