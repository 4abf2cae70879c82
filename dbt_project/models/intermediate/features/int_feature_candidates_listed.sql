{#- One row per candidate feature: every feature the inputs given can yield (see the feature_catalogue
    macro; a feature needing an optional column or another input that is absent is not a candidate), with
    its input, kind, fill rule, labels and definition (the one place names, traits and reports read them)
    and, when configured for the model (var model_features, or by default var default_model_features per
    input), its priority (1 = highest) for the correlation rule. -#}
{%- set specs = candidate_feature_specs() -%}
{%- set configured = configured_features(specs) %}

with candidates as (

    {%- for spec in specs %}
    select
        {{ sql_string(spec.name) }} as feature,
        {{ sql_string(spec.input) }} as input_name,
        {{ sql_string(spec.kind) }} as feature_kind,
        {{ sql_string(spec.fill) }} as fill_rule,
        {{ sql_string(spec.label) }} as label,
        {{ sql_string(spec.high_label) }} as high_label,
        {{ sql_string(spec.low_label) }} as low_label,
        {{ sql_string(spec.definition) }} as definition,
        {{ loop.index }} as candidate_order,
        {{ configured.index(spec.name) + 1 if spec.name in configured else 'cast(null as integer)' }} as priority
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        cast(feature as string) as feature,
        cast(input_name as string) as input_name,
        cast(feature_kind as string) as feature_kind,
        cast(fill_rule as string) as fill_rule,
        cast(label as string) as label,
        cast(high_label as string) as high_label,
        cast(low_label as string) as low_label,
        cast(definition as string) as definition,
        cast(candidate_order as integer) as candidate_order,
        cast(priority as integer) as priority,
        priority is not null as is_configured

    from candidates

)

select * from final
