{#- The behaviour features of the customer table and the derived ratios that can be computed from them. -#}

{#- Var customer_features: names that become column names, so each must be a plain identifier. -#}
{% macro customer_features() %}
    {%- set features = var('customer_features') -%}
    {%- set features = [features] if features is string else features -%}
    {%- if features is none or features is mapping or features is not iterable or features | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "var customer_features must be a list of column names, got '" ~ var('customer_features') ~ "'") }}
    {%- endif -%}
    {%- for feature in features -%}
        {%- do checked_identifier(feature, "var customer_features names") -%}
        {%- if feature == 'customer_id' -%}
            {{ exceptions.raise_compiler_error("var customer_features names customer_id, which is the id, not a feature") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(features | list) }}
{% endmacro %}

{% macro derived_ratios() %}
    {%- set ratios = {} -%}
    {%- set configured = var('derived_ratios') or {} -%}
    {%- if configured is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var derived_ratios must map a name to [numerator, denominator], got '" ~ configured ~ "'") }}
    {%- endif -%}
    {%- for name, parts in configured.items() -%}
        {%- do checked_identifier(name, "var derived_ratios names") -%}
        {%- if parts is string or parts is not iterable or parts | length != 2 -%}
            {{ exceptions.raise_compiler_error(
                "var derived_ratios maps " ~ name ~ " to '" ~ parts ~ "'; give [numerator, denominator]") }}
        {%- endif -%}
        {%- if parts[0] in customer_features() and parts[1] in customer_features() -%}
            {%- do ratios.update({name: parts}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ratios) }}
{% endmacro %}

{#- Names of one detailed input's features (the columns of its per-customer feature model). -#}
{% macro input_feature_names(input_name) %}
    {{ return(feature_catalogue()[input_name] | map(attribute='name') | list) }}
{% endmacro %}

{#- The order in which inputs contribute features; also the priority order of the correlation rule: detailed
    inputs before the pre-aggregated customer table. -#}
{% macro feature_input_order() %}
    {{ return(['transactions', 'events', 'coupon_redemptions', 'customers']) }}
{% endmacro %}

{#- Every candidate feature: the catalogue features of every present input whose required columns and
    inputs are there, and the customer-table features (var customer_features and the derived ratios) when
    the customer table is present. A list of {name, input, kind, fill, ratio_of, label, high_label,
    low_label, definition}, in feature_input_order(); ratio_of is [numerator, denominator] for a derived
    ratio of the customer table, else none. A customer-table feature the catalogue does not describe is
    labelled by its name ("High <name>") and defined by its var. -#}
{% macro candidate_feature_specs() %}
    {%- set specs = [] -%}
    {%- set catalogue = feature_catalogue() -%}
    {%- set present_columns = present_input_columns() -%}
    {%- for input_name in feature_input_order() if input_is_present(input_name) -%}
        {%- if input_name == 'customers' -%}
            {%- set described = {} -%}
            {%- for entry in catalogue['customers'] -%}{%- do described.update({entry.name: entry}) -%}{%- endfor -%}
            {%- for feature in customer_features() -%}
                {%- do specs.append(described_feature(
                    {'name': feature, 'input': 'customers', 'kind': 'behaviour', 'fill': 'median', 'ratio_of': none,
                     'definition': 'Column ' ~ feature ~ ' of the customer table (var customer_features).'},
                    described.get(feature))) -%}
            {%- endfor -%}
            {%- for name, parts in derived_ratios().items() -%}
                {%- do specs.append(described_feature(
                    {'name': name, 'input': 'customers', 'kind': 'ratio', 'fill': 'median', 'ratio_of': parts,
                     'definition': parts[0] ~ ' / ' ~ parts[1] ~ ' (a derived ratio, var derived_ratios).'},
                    described.get(name))) -%}
            {%- endfor -%}
        {%- else -%}
            {%- for spec in catalogue[input_name] -%}
                {%- set ns = namespace(available=true) -%}
                {%- for requirement in spec.get('requires', []) -%}
                    {%- if requirement == 'input:another' -%}
                        {%- set others = namespace(present=false) -%}
                        {%- for other in feature_input_order() if other != input_name and input_is_present(other) -%}
                            {%- set others.present = true -%}
                        {%- endfor -%}
                        {%- if not others.present -%}{%- set ns.available = false -%}{%- endif -%}
                    {%- elif requirement.startswith('input:') -%}
                        {%- if not input_is_present(requirement[6:]) -%}{%- set ns.available = false -%}{%- endif -%}
                    {%- elif not input_has_column(input_name, requirement, present_columns) -%}
                        {%- set ns.available = false -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if ns.available -%}
                    {%- do specs.append(described_feature(
                        {'name': spec.name, 'input': input_name, 'kind': spec.kind, 'fill': spec.fill,
                         'ratio_of': none}, spec)) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(specs) }}
{% endmacro %}

{#- spec with the label, high_label, low_label and definition of its catalogue entry; without an entry (or
    without labels), the feature's name in words and the spec's own definition. -#}
{% macro described_feature(spec, entry) %}
    {%- set entry = entry or {} -%}
    {%- set words = entry.get('label') or spec.name | replace('_', ' ') -%}
    {%- do spec.update({
        'label': words,
        'high_label': entry.get('high_label') or 'High ' ~ words,
        'low_label': entry.get('low_label') or 'Low ' ~ words,
        'definition': entry.get('definition') or spec.definition}) -%}
    {{ return(spec) }}
{% endmacro %}

{#- Names of every candidate feature: the columns of the wide feature models and marts. The clustering sees
    the subset int_features_selected marks as model features. -#}
{% macro candidate_features() %}
    {{ return(candidate_feature_specs() | map(attribute='name') | list) }}
{% endmacro %}

{#- The features configured for the model, in priority order: var model_features when set, otherwise per
    present input (feature_input_order) its var default_model_features list, and for the customer table
    var customer_features plus the derived ratios. Only candidates count; an unknown name in
    var model_features is an error. specs: candidate_feature_specs() when the caller has them. -#}
{% macro configured_features(specs=none) %}
    {%- set specs = specs if specs is not none else candidate_feature_specs() -%}
    {%- set candidates = specs | map(attribute='name') | list -%}
    {%- set explicit = var('model_features', none) -%}
    {%- set configured = [] -%}
    {%- if explicit is not none -%}
        {%- for name in ([explicit] if explicit is string else explicit) -%}
            {%- if name not in candidates -%}
                {{ exceptions.raise_compiler_error(
                    "var model_features names '" ~ name ~ "', which is not a feature of the inputs given; "
                    ~ "available: " ~ (candidates | join(', '))) }}
            {%- endif -%}
            {%- if name not in configured -%}{%- do configured.append(name) -%}{%- endif -%}
        {%- endfor -%}
    {%- else -%}
        {%- set defaults = var('default_model_features', {}) or {} -%}
        {%- for input_name in feature_input_order() -%}
            {%- set listed = defaults.get(input_name) -%}
            {%- if input_name == 'customers' and listed is none -%}
                {%- for spec in specs if spec.input == 'customers' -%}
                    {%- do configured.append(spec.name) -%}
                {%- endfor -%}
            {%- else -%}
                {%- for entry in (listed or []) -%}
                    {%- set name = default_feature_entry(input_name, entry) -%}
                    {%- if name and name in candidates and name not in configured -%}
                        {%- do configured.append(name) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(configured) }}
{% endmacro %}

{#- One entry of var default_model_features for an input: a feature name, or {feature: <name>, unless_input:
    <input>} for a feature that is a default only when that other input is not given. Returns the name, or
    none when the entry does not apply to the inputs given. -#}
{% macro default_feature_entry(input_name, entry) %}
    {%- if entry is string -%}{{ return(entry) }}{%- endif -%}
    {%- set usage = "give a feature name or {feature: <name>, unless_input: <input>}" -%}
    {%- if entry is not mapping or entry.get('feature') is not string
            or (entry.keys() | reject('in', ['feature', 'unless_input']) | list) -%}
        {{ exceptions.raise_compiler_error(
            "var default_model_features lists '" ~ entry ~ "' for " ~ input_name ~ "; " ~ usage) }}
    {%- endif -%}
    {%- set unless_input = entry.get('unless_input') -%}
    {%- if unless_input is not none and unless_input not in feature_input_order() -%}
        {{ exceptions.raise_compiler_error(
            "var default_model_features: unless_input of " ~ entry.feature ~ " is '" ~ unless_input
            ~ "'; inputs: " ~ (feature_input_order() | join(', '))) }}
    {%- endif -%}
    {{ return(none if unless_input and input_is_present(unless_input) else entry.feature) }}
{% endmacro %}

{#- A derived ratio: numerator / denominator, 0 when the denominator is 0 (no purchases, no share). -#}
{% macro ratio_expression(numerator, denominator, relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    coalesce({{ prefix }}{{ numerator }} / nullif({{ prefix }}{{ denominator }}, 0), 0)
{%- endmacro %}
