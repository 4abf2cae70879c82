{#- One row per customer, one column per feature of the model version in use (in the version's model
    order): the standardized value the model is trained on and scores, preprocessed with the version's
    frozen parameters (int_feature_parameters_applied) by the one preprocessing definition. On a training
    run these are today's fitted parameters; afterwards they stay fixed, so a customer whose data did not
    change gets exactly the same values. A view: the Python models read it once each. On Spark a table: with
    the shop's four inputs the view's text was longer than the local session's Derby metastore
    keeps (a LONG VARCHAR, 32,700 characters). -#}
{{ config(materialized='table' if target.type == 'spark' else 'view') }}
-- depends_on: {{ ref('int_feature_candidates_listed') }}
{%- set model_features = frozen_model_features() -%}
{%- set specs = candidate_feature_specs() -%}
{%- set candidates = specs | map(attribute='name') | list -%}
{%- if execute and model_features -%}
    {%- set missing = model_features | reject('in', candidates) | list -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "the segment model in use was trained on feature(s) " ~ (missing | join(', '))
            ~ " that the inputs no longer give; train a new version with --vars '{retrain: true}'") }}
    {%- endif -%}
{%- endif -%}
{%- set spec_of = {} -%}
{%- for spec in specs -%}{%- do spec_of.update({spec.name: spec}) -%}{%- endfor %}

with features as (

    select * from {{ ref('int_customer_features_joined') }}

),

applied as (

    select * from {{ ref('int_feature_parameters_applied') }}

),

parameters as (

    {{ parameters_row('applied', candidates) }}

),

scored as (

    select
        features.customer_id{% for feature in model_features %},
        {{ standardized_feature(spec_of[feature]) }} as {{ feature }}
        {%- endfor %}

    from features
    cross join parameters

)

select * from scored
