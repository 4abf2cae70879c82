{#- One row per pair of candidate features (feature_a before feature_b in candidate order): the Pearson
    correlation of their transformed, clipped values over all customers, computed on the standardized
    values (a linear rescaling, which leaves r unchanged). A pair with a constant feature has no r and no
    row. -#}
{%- set features = candidate_features() -%}

with standardized as (

    select * from {{ ref('int_customer_features_standardized') }}

),

{%- if features | length > 1 %}

pairs as (

    select
        [
        {%- for feature_a in features %}
        {%- set outer = loop %}
        {%- for feature_b in features[outer.index:] %}
            {
                'feature_a': {{ sql_string(feature_a) }},
                'feature_b': {{ sql_string(feature_b) }},
                'pearson_r': corr({{ feature_a }}, {{ feature_b }})
            }{{ "," if not (outer.revindex == 2 and loop.last) }}
        {%- endfor %}
        {%- endfor %}
        ] as correlations

    from standardized

),

unnested as (

    select unnest(correlations, recursive := true)
    from pairs

),

{%- else %}

unnested as (

    select
        null::varchar as feature_a,
        null::varchar as feature_b,
        null::double as pearson_r
    where false

),

{%- endif %}

final as (

    select
        feature_a::varchar as feature_a,
        feature_b::varchar as feature_b,
        pearson_r::double as pearson_r,
        abs(pearson_r)::double as abs_pearson_r

    from unnested
    where pearson_r is not null and isfinite(pearson_r)

)

select * from final
