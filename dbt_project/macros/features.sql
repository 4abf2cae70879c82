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

{#- The features each detailed input yields, in catalogue order (the order of the per-input feature models'
    columns). kind: behaviour (a count, amount or number of days: log1p when skewed) or ratio (a rate, share
    or average of a ratio: never log-transformed). fill: the value of a customer the input has no value for
    (absent from the input, or undefined for the customer): zero (no activity), max (a "days since"
    feature: as long ago as the most lapsed customer) or median (a customer-table feature: unknown).
    requires: optional columns (of the same input) or other inputs the feature cannot do without. -#}
{% macro feature_catalogue() %}
    {%- set catalogue = {
        'transactions': [
            {'name': 'recency_days', 'kind': 'behaviour', 'fill': 'max'},
            {'name': 'frequency', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'monetary', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'avg_order_value', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'tenure_days', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'returned_value', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'return_rate', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'distinct_products', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['product_id']},
            {'name': 'discount_value_share', 'kind': 'ratio', 'fill': 'zero', 'requires': ['discount_amount']},
        ],
        'events': [
            {'name': 'event_count', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'view_count', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'cart_count', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'remove_from_cart_count', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'purchase_count', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'other_event_count', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'view_to_cart_rate', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'cart_to_purchase_rate', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'view_to_purchase_rate', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'cart_removal_rate', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'session_count', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'purchase_session_count', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'events_per_session', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'views_per_session', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'avg_session_minutes', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'max_session_minutes', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'bounce_session_share', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'cart_session_share', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'purchase_session_share', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'active_days', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'events_per_active_day', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'sessions_per_active_day', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'days_since_last_event', 'kind': 'behaviour', 'fill': 'max'},
            {'name': 'days_since_first_event', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'avg_days_between_sessions', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'night_share', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'morning_share', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'afternoon_share', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'evening_share', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'weekend_share', 'kind': 'ratio', 'fill': 'zero'},
            {'name': 'distinct_products_viewed', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['product_id']},
            {'name': 'distinct_products_purchased', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['product_id']},
            {'name': 'distinct_event_products', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['product_id']},
            {'name': 'distinct_categories', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['category']},
            {'name': 'purchase_value', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['price']},
            {'name': 'cart_value', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['price']},
            {'name': 'avg_purchase_price', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['price']},
            {'name': 'avg_viewed_price', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['price']},
        ],
        'coupon_redemptions': [
            {'name': 'coupon_redemptions', 'kind': 'behaviour', 'fill': 'zero'},
            {'name': 'days_since_last_redemption', 'kind': 'behaviour', 'fill': 'max'},
            {'name': 'distinct_coupons', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['coupon_id']},
            {'name': 'coupon_discount_amount', 'kind': 'behaviour', 'fill': 'zero', 'requires': ['discount_amount']},
            {'name': 'coupon_redemptions_per_order', 'kind': 'ratio', 'fill': 'zero', 'requires': ['input:transactions']},
            {'name': 'coupon_discount_share', 'kind': 'ratio', 'fill': 'zero',
             'requires': ['discount_amount', 'input:transactions']},
        ],
    } -%}
    {{ return(catalogue) }}
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
    the customer table is present. A list of {name, input, kind, fill, ratio_of}, in feature_input_order();
    ratio_of is [numerator, denominator] for a derived ratio of the customer table, else none. -#}
{% macro candidate_feature_specs() %}
    {%- set specs = [] -%}
    {%- set catalogue = feature_catalogue() -%}
    {%- set present_columns = present_input_columns() -%}
    {%- for input_name in feature_input_order() if input_is_present(input_name) -%}
        {%- if input_name == 'customers' -%}
            {%- for feature in customer_features() -%}
                {%- do specs.append({'name': feature, 'input': 'customers', 'kind': 'behaviour', 'fill': 'median',
                                     'ratio_of': none}) -%}
            {%- endfor -%}
            {%- for name, parts in derived_ratios().items() -%}
                {%- do specs.append({'name': name, 'input': 'customers', 'kind': 'ratio', 'fill': 'median',
                                     'ratio_of': parts}) -%}
            {%- endfor -%}
        {%- else -%}
            {%- for spec in catalogue[input_name] -%}
                {%- set ns = namespace(available=true) -%}
                {%- for requirement in spec.get('requires', []) -%}
                    {%- if requirement.startswith('input:') -%}
                        {%- if not input_is_present(requirement[6:]) -%}{%- set ns.available = false -%}{%- endif -%}
                    {%- elif not input_has_column(input_name, requirement, present_columns) -%}
                        {%- set ns.available = false -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if ns.available -%}
                    {%- do specs.append({'name': spec.name, 'input': input_name, 'kind': spec.kind, 'fill': spec.fill,
                                         'ratio_of': none}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(specs) }}
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
{% macro configured_model_features(specs=none) %}
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
                {%- for name in (listed or []) if name in candidates and name not in configured -%}
                    {%- do configured.append(name) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(configured) }}
{% endmacro %}

{#- A derived ratio: numerator / denominator, 0 when the denominator is 0 (no purchases, no share). -#}
{% macro ratio_expression(numerator, denominator, relation=none) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    coalesce({{ prefix }}{{ numerator }} / nullif({{ prefix }}{{ denominator }}, 0), 0)
{%- endmacro %}
