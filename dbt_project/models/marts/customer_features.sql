{#- One row per customer: every candidate feature in its own units (a missing value filled by the
    feature's rule), the standardized values (suffix _z; the clustering used those feature_summary marks
    as model features) and, per behaviour feature (counts, amounts, days), the fill flag
    is_<feature>_imputed. Filled and standardized with the parameters of the model version in use, so
    the _z values are what the model saw. Columns follow the inputs and configured features. -#}
{%- set specs = candidate_feature_specs() -%}
{%- set columns = ['features.customer_id'] -%}
{%- for spec in specs -%}
    {%- do columns.append('cast(' ~ filled_feature(spec) ~ ' as double) as ' ~ spec.name) -%}
{%- endfor -%}
{%- for spec in specs -%}
    {%- do columns.append('cast(' ~ standardized_feature(spec) ~ ' as double) as ' ~ spec.name ~ '_z') -%}
{%- endfor -%}
{%- for spec in specs if spec.kind == 'behaviour' -%}
    {%- do columns.append(is_filled_feature(spec) ~ ' as is_' ~ spec.name ~ '_imputed') -%}
{%- endfor %}

with features as (

    select * from {{ ref('int_customer_features_joined') }}

),

applied as (

    select * from {{ ref('int_feature_parameters_applied') }}

),

parameters as (

    {{ parameters_row('applied', specs | map(attribute='name') | list) }}

),

final as (

    select
        {{ columns | join(',\n        ') }}

    from features
    cross join parameters

)

select * from final
