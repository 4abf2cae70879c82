{#- One row per feature of the model version in use: the Pearson correlation of its standardized value
    with each of the first two principal components over the customers of report_customer_projection (the
    arrows of a biplot). Portable SQL: one aggregate per feature, stacked. A correlation with a side that
    does not vary (pc2 of a single-feature model) is NULL, not the NaN some engines return. -#}
{%- set features = frozen_model_features() %}

with projection as (

    select * from {{ ref('report_customer_projection') }}

),

features as (

    select * from {{ ref('customer_features') }}

),

sampled as (

    select
        projection.pc1,
        projection.pc2
        {%- for feature in features %},
        coalesce(features.{{ feature }}_z, 0) as {{ feature }}_z
        {%- endfor %}

    from projection
    inner join features on projection.customer_id = features.customer_id

),

loadings as (

    {%- for feature in features %}
    select
        {{ sql_string(feature) }} as feature,
        {{ loop.index }} as feature_position,
        {%- for component in ['pc1', 'pc2'] %}
        case
            when stddev_pop({{ feature }}_z) > 0 and stddev_pop({{ component }}) > 0
                then corr({{ feature }}_z, {{ component }})
        end as {{ component }}_correlation{{ "," if not loop.last }}
        {%- endfor %}
    from sampled
    {{ "union all" if not loop.last }}
    {%- else %}
    select
        cast(null as string) as feature,
        0 as feature_position,
        cast(null as double) as pc1_correlation,
        cast(null as double) as pc2_correlation
    from sampled
    where false
    {%- endfor %}

),

final as (

    select
        cast(feature as string) as feature,
        cast(feature_position as integer) as feature_position,
        cast(pc1_correlation as double) as pc1_correlation,
        cast(pc2_correlation as double) as pc2_correlation

    from loadings

)

select * from final
