{#- One row per model feature of the version in use: the share of its variance the segments explain (eta
    squared) - the size-weighted spread of the segment centroids (segment_centroids) over the feature's
    variance across all customers (customer_features), both of the standardized values the model saw - and
    its rank, 1 = the feature that separates the segments most. 0: the segments do not differ in it; 1:
    the customers of a segment are alike in it. -#}
{%- set features = frozen_model_features() %}

with customer_features as (

    select * from {{ ref('customer_features') }}

),

centroids as (

    select feature, segment_id, customers, centroid_z
    from {{ ref('segment_centroids') }}

),

{%- if features %}

variance_row as (

    select
        {%- for feature in features %}
        var_pop({{ feature }}_z) as variance_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}

    from customer_features

),

total_variances as (

    {%- for feature in features %}
    select {{ sql_string(feature) }} as feature, variance_{{ loop.index }} as total_variance
    from variance_row
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

{%- else %}

total_variances as (

    select cast(null as string) as feature, cast(null as double) as total_variance
    from centroids
    where 1 = 0

),

{%- endif %}

overall as (

    select
        feature,
        sum(customers * centroid_z) / nullif(sum(customers), 0) as mean_z,
        sum(customers) as customers

    from centroids
    group by feature

),

between_segments as (

    select
        centroids.feature,
        sum(centroids.customers * power(centroids.centroid_z - overall.mean_z, 2))
            / nullif(max(overall.customers), 0) as between_variance

    from centroids
    inner join overall on centroids.feature = overall.feature
    group by centroids.feature

),

explained as (

    select
        total_variances.feature,
        between_segments.between_variance,
        total_variances.total_variance,
        case
            when total_variances.total_variance > 0
                then least(1.0, between_segments.between_variance / total_variances.total_variance)
            else 0.0
        end as variance_explained

    from total_variances
    inner join between_segments on total_variances.feature = between_segments.feature

),

final as (

    select
        cast(feature as string) as feature,
        cast(variance_explained as double) as variance_explained,
        cast(row_number() over (order by variance_explained desc, feature) as integer) as separation_rank,
        cast(between_variance as double) as between_segment_variance,
        cast(total_variance as double) as total_variance

    from explained

)

select * from final
