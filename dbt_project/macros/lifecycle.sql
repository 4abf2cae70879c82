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

{#- The features of the model version in use (the latest in int_frozen_preprocessing), in model order.
    Empty before that table exists (parsing, or compiling a fresh project). -#}
{% macro frozen_model_features() %}
    {%- set frozen_relation = ref('int_frozen_preprocessing') -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set frozen = load_relation(frozen_relation) -%}
    {%- if frozen is none -%}{{ return([]) }}{%- endif -%}
    {%- set rows = run_query(
        "select feature from " ~ frozen ~ " where is_model_feature and model_version = "
        ~ "(select max(model_version) from " ~ frozen ~ ") order by feature_position") -%}
    {{ return(rows.columns[0].values() | list) }}
{% endmacro %}
