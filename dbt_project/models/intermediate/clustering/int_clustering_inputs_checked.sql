{#- One row: what the clustering is about to see, and the clustering vars as checked and typed (macro
    clustering_settings), which is how the Python models receive them. Built before the Python models
    (they depend on it), it stops the build with one clear message, and no Python traceback, when the
    clustering vars are invalid, when there are too few customers for the largest k tried, or when no
    feature varies. -#}
{%- set settings = clustering_settings() -%}
{%- set needed = minimum_customers(settings) -%}

{%- if execute -%}
    {%- set counts = run_query(
        "select (select count(*) from " ~ ref('int_customer_features_joined') ~ "), "
        ~ "(select count(*) from " ~ ref('int_features_selected') ~ " where is_selected)"
    ).rows[0] -%}
    {%- if counts[0] < needed -%}
        {{ exceptions.raise_compiler_error(
            "too few customers (" ~ counts[0] ~ "): at least " ~ needed ~ " are needed (ten per segment of the "
            ~ "largest k tried; lower var k_max or n_segments, or give more customers)") }}
    {%- endif -%}
    {%- if counts[1] == 0 -%}
        {{ exceptions.raise_compiler_error(
            "no feature selected: every configured feature is constant or missing "
            ~ "(see int_features_selected; set var model_features to features that vary)") }}
    {%- endif -%}
{%- endif %}

with features as (

    select * from {{ ref('int_customer_features_joined') }}

),

selection as (

    select * from {{ ref('int_features_selected') }}

),

final as (

    select
        (select count(*) from features) as customer_count,
        {{ needed }} as minimum_customers,
        (select count(*) from selection where is_selected) as selected_feature_count,
        cast({{ settings.random_seed }} as bigint) as random_seed,
        cast({{ settings.n_segments if settings.n_segments is not none else 'null' }} as integer) as n_segments,
        cast({{ sql_string(settings.algorithm) if settings.algorithm is not none else 'null' }} as string)
            as algorithm,
        cast({{ settings.k_min }} as integer) as k_min,
        cast({{ settings.k_max }} as integer) as k_max,
        cast({{ settings.min_segment_share }} as double) as min_segment_share,
        cast({{ settings.stability_floor }} as double) as stability_floor,
        cast({{ settings.silhouette_tolerance }} as double) as silhouette_tolerance,
        cast({{ settings.reproducible_k_floor }} as double) as reproducible_k_floor,
        cast({{ settings.stability_resamples }} as integer) as stability_resamples,
        cast({{ settings.max_noise_share }} as double) as max_noise_share,
        -- Which build checked them: a training run must use this build's settings (see
        -- int_feature_parameters_frozen).
        {{ sql_string(invocation_id) }} as invocation_id

)

select * from final
