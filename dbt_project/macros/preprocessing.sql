{#- The one definition of the preprocessing, applied to the wide customer feature table
    (int_customer_features_joined) with one parameter set:

        filled       = the observed value, or the feature's fill value when it has none; a derived ratio is
                       computed from its filled parts (0 when the denominator is 0)
        transformed  = ln(1 + filled) when the transform is log1p (a negative value counts as 0), else filled
        winsorised   = transformed clipped to [lower_fence, upper_fence]
        standardized = (winsorised - scaling_center) / scaling_scale; 0 for a constant feature (scale 0)

    A parameter set is a one-row relation with columns <feature>__fill_value, <feature>__transform,
    <feature>__lower_fence, <feature>__upper_fence, <feature>__scaling_center and <feature>__scaling_scale
    (parameters_row turns a one-row-per-feature table into it). Everything that fits the parameters
    (int_feature_parameters_fitted), scores customers (int_customer_features_standardized) or describes them
    (customer_features, segment statistics) builds its expressions here, so they cannot disagree. -#}

{% macro preprocessing_parameter(feature_name, parameter, parameters) -%}
    {{ parameters }}.{{ feature_name }}__{{ parameter }}
{%- endmacro %}

{#- The value with a missing value filled: `parameters` needs only <feature>__fill_value here. -#}
{% macro filled_feature(spec, parameters='parameters', row='features') -%}
    {%- if spec.ratio_of -%}
        {%- set numerator = {'name': spec.ratio_of[0], 'ratio_of': none} -%}
        {%- set denominator = {'name': spec.ratio_of[1], 'ratio_of': none} -%}
        coalesce(({{ filled_feature(numerator, parameters, row) }}) / nullif({{ filled_feature(denominator, parameters, row) }}, 0), 0)
    {%- else -%}
        coalesce({{ row }}.{{ spec.name }}, {{ preprocessing_parameter(spec.name, 'fill_value', parameters) }})
    {%- endif -%}
{%- endmacro %}

{#- Whether the value was missing and filled (for a derived ratio: either part). -#}
{% macro is_filled_feature(spec, row='features') -%}
    {%- if spec.ratio_of -%}
        ({{ row }}.{{ spec.ratio_of[0] }} is null or {{ row }}.{{ spec.ratio_of[1] }} is null)
    {%- else -%}
        ({{ row }}.{{ spec.name }} is null)
    {%- endif -%}
{%- endmacro %}

{#- A value on the model's scale: `transform` is an expression holding 'log1p' or 'identity'. -#}
{% macro transformed_value(transform, value) -%}
    case
        when {{ transform }} = 'log1p'
            then ln(1 + greatest({{ value }}, 0))
        else {{ value }}
    end
{%- endmacro %}

{#- A value on the model's scale back in the feature's units (the transform undone). -#}
{% macro value_in_feature_units(transform, value) -%}
    case when {{ transform }} = 'log1p' then exp({{ value }}) - 1 else {{ value }} end
{%- endmacro %}

{% macro transformed_feature(spec, parameters='parameters', row='features') -%}
    {{ transformed_value(preprocessing_parameter(spec.name, 'transform', parameters), filled_feature(spec, parameters, row)) }}
{%- endmacro %}

{% macro winsorised_feature(spec, parameters='parameters', row='features') -%}
    least(
        greatest({{ transformed_feature(spec, parameters, row) }}, {{ preprocessing_parameter(spec.name, 'lower_fence', parameters) }}),
        {{ preprocessing_parameter(spec.name, 'upper_fence', parameters) }}
    )
{%- endmacro %}

{#- Whether the transformed value lay beyond a fence (and was clipped to it). -#}
{% macro is_clipped_feature(spec, parameters='parameters', row='features') -%}
    (
        {{ transformed_feature(spec, parameters, row) }} < {{ preprocessing_parameter(spec.name, 'lower_fence', parameters) }}
        or {{ transformed_feature(spec, parameters, row) }} > {{ preprocessing_parameter(spec.name, 'upper_fence', parameters) }}
    )
{%- endmacro %}

{#- The winsorised value back in the feature's own units (the transform undone): what a profile averages,
    so that an absurd value cannot dominate a mean. -#}
{% macro winsorised_feature_value(spec, parameters='parameters', row='features') -%}
    {{ value_in_feature_units(preprocessing_parameter(spec.name, 'transform', parameters), winsorised_feature(spec, parameters, row)) }}
{%- endmacro %}

{% macro standardized_feature(spec, parameters='parameters', row='features') -%}
    case
        when {{ preprocessing_parameter(spec.name, 'scaling_scale', parameters) }} > 0
            then ({{ winsorised_feature(spec, parameters, row) }} - {{ preprocessing_parameter(spec.name, 'scaling_center', parameters) }})
                / {{ preprocessing_parameter(spec.name, 'scaling_scale', parameters) }}
        else 0
    end
{%- endmacro %}

{#- One row with <feature>__<parameter> columns from a relation with one row per feature (columns feature,
    fill_value, transform, lower_fence, upper_fence, scaling_center, scaling_scale). A small pivot of the
    parameter table, never of customers. -#}
{% macro parameters_row(relation, features) -%}
    select
        {%- for feature in features %}
        {%- set outer = loop %}
        {%- for parameter in ['fill_value', 'transform', 'lower_fence', 'upper_fence', 'scaling_center', 'scaling_scale'] %}
        max(case when feature = {{ sql_string(feature) }} then {{ parameter }} end) as {{ feature }}__{{ parameter }}{{ "," if not (outer.last and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    from {{ relation }}
{%- endmacro %}
