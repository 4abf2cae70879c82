{#- One row per pair of configured features (feature_a before feature_b in candidate order): the Pearson
    correlation of their winsorised (transformed, clipped) values over all customers, with today's fitted
    parameters - the values correlation pruning judges. All pairs come from one aggregate pass over the
    wide feature table. A pair with a constant feature has no r and no row. -#}
{%- set specs = candidate_feature_specs() -%}
{%- set configured = configured_features(specs) -%}
{%- set compared = specs | selectattr('name', 'in', configured) | list %}

with features as (

    select * from {{ ref('int_customer_features_joined') }}

),

fitted as (

    select * from {{ ref('int_feature_parameters_fitted') }}

),

{%- if compared | length > 1 %}

parameters as (

    {{ parameters_row('fitted', specs | map(attribute='name') | list) }}

),

correlation_row as (

    select
        {%- for spec_a in compared %}
        {%- set outer = loop %}
        {%- for spec_b in compared[outer.index:] %}
        corr(
            {{ winsorised_feature(spec_a) }},
            {{ winsorised_feature(spec_b) }}
        ) as {{ spec_a.name }}__{{ spec_b.name }}{{ "," if not (outer.revindex == 2 and loop.last) }}
        {%- endfor %}
        {%- endfor %}

    from features
    cross join parameters

),

pairs as (

    {%- set rows = [] %}
    {%- for spec_a in compared %}
    {%- set outer = loop %}
    {%- for spec_b in compared[outer.index:] %}
    {%- do rows.append([sql_string(spec_a.name), sql_string(spec_b.name), spec_a.name ~ '__' ~ spec_b.name]) %}
    {%- endfor %}
    {%- endfor %}
    {{ unpivoted('correlation_row', ['feature_a', 'feature_b', 'pearson_r'], rows) }}

),

{%- else %}

pairs as (

    select
        cast(null as string) as feature_a,
        cast(null as string) as feature_b,
        cast(null as double) as pearson_r
    from fitted
    where 1 = 0

),

{%- endif %}

final as (

    select
        cast(feature_a as string) as feature_a,
        cast(feature_b as string) as feature_b,
        cast(pearson_r as double) as pearson_r,
        cast(abs(pearson_r) as double) as abs_pearson_r

    from pairs
    where pearson_r is not null and {{ is_finite('pearson_r') }}

)

select * from final
