{#- One row per pair of candidate features (feature_a before feature_b in candidate order): the Pearson
    correlation of their standardized values (customer_features, the version in use) over all customers,
    and whether the model uses each. Every pair comes from one aggregate pass over customer_features; the
    pairs are then read off that one row by their positions (a union of a thousand selects would be too
    deep a query for some engines). r is NULL for a pair with a constant feature. -#}
{%- set features = candidate_features() -%}
{%- set pairs = [] -%}
{%- for feature_a in features -%}
    {%- set position_a = loop.index -%}
    {%- for feature_b in features[loop.index:] -%}
        {%- do pairs.append({'a': feature_a, 'b': feature_b, 'position_a': position_a,
                             'position_b': position_a + loop.index}) -%}
    {%- endfor -%}
{%- endfor %}

with customer_features as (

    select * from {{ ref('customer_features') }}

),

candidates as (

    select
        feature,
        case feature
            {%- for feature in features %}
            when {{ sql_string(feature) }} then {{ loop.index }}
            {%- endfor %}
        end as candidate_position,
        is_model_feature

    from {{ ref('feature_summary') }}

),

pairs as (

    select
        candidates_a.feature as feature_a,
        candidates_b.feature as feature_b,
        candidates_a.candidate_position as position_a,
        candidates_b.candidate_position as position_b,
        candidates_a.is_model_feature as is_feature_a_model_feature,
        candidates_b.is_model_feature as is_feature_b_model_feature

    from candidates as candidates_a
    inner join candidates as candidates_b
        on candidates_a.candidate_position < candidates_b.candidate_position

),

{%- if pairs %}

correlation_row as (

    select
        {%- for pair in pairs %}
        corr({{ pair.a }}_z, {{ pair.b }}_z) as r_{{ pair.position_a }}_{{ pair.position_b }}{{ "," if not loop.last }}
        {%- endfor %}

    from customer_features

),

correlated as (

    select
        pairs.feature_a,
        pairs.feature_b,
        pairs.is_feature_a_model_feature,
        pairs.is_feature_b_model_feature,
        case
            {%- for pair in pairs %}
            when pairs.position_a = {{ pair.position_a }} and pairs.position_b = {{ pair.position_b }}
                then correlation_row.r_{{ pair.position_a }}_{{ pair.position_b }}
            {%- endfor %}
        end as pearson_r

    from pairs
    cross join correlation_row

),

{%- else %}

correlated as (

    select
        feature_a,
        feature_b,
        is_feature_a_model_feature,
        is_feature_b_model_feature,
        cast(null as double) as pearson_r

    from pairs

),

{%- endif %}

final as (

    select
        cast(feature_a as string) as feature_a,
        cast(feature_b as string) as feature_b,
        -- Rounding can carry a perfect correlation a hair beyond 1; NaN (no variance) is no r.
        cast(case
            when {{ is_finite('pearson_r') }} then least(1.0, greatest(-1.0, pearson_r))
        end as double) as pearson_r,
        cast(is_feature_a_model_feature as boolean) as is_feature_a_model_feature,
        cast(is_feature_b_model_feature as boolean) as is_feature_b_model_feature

    from correlated

)

select * from final
