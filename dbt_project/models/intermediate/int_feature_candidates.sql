{#- One row per candidate feature: every feature the inputs given can yield (see the feature_catalogue
    macro; a feature needing an optional column or another input that is absent is not a candidate), with
    its input, kind, fill rule and, when configured for the model (var model_features, or by default
    var default_model_features per input), its priority (1 = highest) for the correlation rule. -#}
{%- set specs = candidate_feature_specs() -%}
{%- set configured = configured_model_features() -%}

with candidates as (

    select * from (
        values
        {%- for spec in specs %}
        (
            {{ sql_string(spec.name) }},
            {{ sql_string(spec.input) }},
            {{ sql_string(spec.kind) }},
            {{ sql_string(spec.fill) }},
            {{ loop.index }},
            {{ configured.index(spec.name) + 1 if spec.name in configured else 'null' }}
        ){{ "," if not loop.last }}
        {%- endfor %}
    ) as candidate_rows (feature, input_name, feature_kind, fill_rule, candidate_order, priority)

),

final as (

    select
        feature::varchar as feature,
        input_name::varchar as input_name,
        feature_kind::varchar as feature_kind,
        fill_rule::varchar as fill_rule,
        candidate_order::integer as candidate_order,
        priority::integer as priority,
        priority is not null as is_configured

    from candidates

)

select * from final
