{#- The clustering vars, checked and typed once, before any Python model runs: a bad value stops the build
    with one clear message instead of a Python traceback. int_clustering_inputs_checked writes the checked
    values as one typed row, which the Python models read (segwarehouse.dbt_bridge.settings_from_checked). -#}

{% macro whole_number_var(name, minimum=none, allow_none=false) %}
    {%- set value = var(name, none) -%}
    {%- set text = (value | string | trim) if value is not none else '' -%}
    {%- if allow_none and text | lower in ['', 'none', 'null'] -%}{{ return(none) }}{%- endif -%}
    {%- if value is boolean or not modules.re.match('^[+-]?[0-9]+$', text) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a whole number, got '" ~ value ~ "'") }}
    {%- endif -%}
    {%- if minimum is not none and text | int < minimum -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be at least " ~ minimum ~ ", got " ~ text) }}
    {%- endif -%}
    {{ return(text | int) }}
{% endmacro %}

{% macro clustering_settings() %}
    {%- set algorithms = ['kmeans', 'ward', 'gmm', 'hdbscan'] -%}
    {%- set algorithm = var('algorithm', none) -%}
    {%- set algorithm = none if algorithm is none or (algorithm | string | trim | lower) in ['', 'none', 'null']
                        else algorithm | string | trim | lower -%}
    {%- if algorithm is not none and algorithm not in algorithms -%}
        {{ exceptions.raise_compiler_error(
            "var algorithm is '" ~ var('algorithm') ~ "'; choose one of " ~ (algorithms | join(', '))) }}
    {%- endif -%}
    {%- set settings = {
        'random_seed': whole_number_var('random_seed'),
        'n_segments': whole_number_var('n_segments', minimum=2, allow_none=true),
        'algorithm': algorithm,
        'k_min': whole_number_var('k_min', minimum=2),
        'k_max': whole_number_var('k_max', minimum=2),
        'stability_resamples': whole_number_var('stability_resamples', minimum=1),
    } -%}
    {%- if settings.k_min > settings.k_max -%}
        {{ exceptions.raise_compiler_error(
            "k range must satisfy 2 <= k_min <= k_max, got " ~ settings.k_min ~ ".." ~ settings.k_max) }}
    {%- endif -%}
    {%- do settings.update({'silhouette_floor': number_var('silhouette_floor') | float}) -%}
    {%- for name in ['min_segment_share', 'stability_floor', 'silhouette_tolerance', 'reproducible_k_floor',
                   'max_noise_share'] -%}
        {%- set value = number_var(name) | float -%}
        {%- if value < 0 or value > 1 -%}
            {{ exceptions.raise_compiler_error("var " ~ name ~ " must be between 0 and 1, got " ~ value) }}
        {%- endif -%}
        {%- do settings.update({name: value}) -%}
    {%- endfor -%}
    {{ return(settings) }}
{% endmacro %}

{#- Fewest customers with which selection is meaningful: ten per segment of the largest k tried (the
    forced k, or k_max). The one definition of the rule: int_clustering_inputs_checked stops the build
    below it and hands the number to the Python models (SelectionSettings.minimum_customers). -#}
{% macro minimum_customers(settings) %}
    {{ return(10 * (settings.n_segments if settings.n_segments is not none else settings.k_max)) }}
{% endmacro %}
