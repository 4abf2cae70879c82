{#- One row per customer, scored by the latest trained model version (int_segment_models_trained) on the
    values its frozen preprocessing gives (int_customer_features_standardized): in SQL, so every customer is
    scored where the data is. For k-means, Ward and the density method the segment is the nearest centroid;
    for the Gaussian mixture the component of highest posterior probability (log density from the
    mixture's weights, means and precision Cholesky factors, as scikit-learn computes it).
      distance_to_centroid       Euclidean distance to the segment's centroid (standardized units)
      nearest_centroid_distance  distance to the closest centroid (differs only for the mixture)
      confidence                 how surely the customer belongs to the segment: the relative margin
                                 1 - a / b, a = distance to the own centroid, b = to the nearest other one,
                                 in [0, 1]: 1 on the centroid, 0 halfway to the next (and, for the mixture,
                                 which assigns by density, when another centroid is nearer)
      is_far_from_centroids      nearer to no centroid than 99% of the training customers were -#}
{%- set features = frozen_model_features() -%}
{%- set segments = trained_segment_ids() -%}
{%- set is_mixture = trained_text('algorithm') == 'gmm' -%}
{%- set no_distance = '1e308' %}

with scored as (

    select * from {{ ref('int_customer_features_standardized') }}

),

trained as (

    select * from {{ ref('int_segment_models_trained') }}
    where model_version = (select max(model_version) from {{ ref('int_segment_models_trained') }})

),

model_row as (

    -- The model as one row: centroids, far distance (and the mixture's parameters).
    select
        max(model_version) as model_version,
        max(case when parameter = 'far_distance' and segment_id is null then value end) as far_distance,
        {%- for segment in segments %}
        {%- set outer = loop %}
        {%- for feature in features %}
        max(case when parameter = 'centroid' and segment_id = {{ segment }} and feature = {{ sql_string(feature) }}
            then value end) as c_{{ segment }}__{{ feature }},
        {%- endfor %}
        {%- if is_mixture %}
        max(case when parameter = 'mixture_weight' and segment_id = {{ segment }} then value end) as w_{{ segment }},
        {%- for row_feature in features %}
        {%- for column_feature in features %}
        coalesce(max(case when parameter = 'precision_cholesky' and segment_id = {{ segment }}
            and feature = {{ sql_string(row_feature) }} and other_feature = {{ sql_string(column_feature) }}
            then value end), 0) as p_{{ segment }}__{{ row_feature }}__{{ column_feature }},
        {%- endfor %}
        {%- endfor %}
        {%- endif %}
        {%- endfor %}
        count(*) as parameter_rows

    from trained

),

distances as (

    select
        scored.customer_id,
        model_row.model_version,
        model_row.far_distance,
        {%- for segment in segments %}
        {%- for feature in features %}
        power(scored.{{ feature }} - model_row.c_{{ segment }}__{{ feature }}, 2){{ " +" if not loop.last }}
        {%- endfor %} as d2_{{ segment }},
        {%- if is_mixture %}
        ln(model_row.w_{{ segment }})
        {%- for feature in features %}
            + ln(model_row.p_{{ segment }}__{{ feature }}__{{ feature }})
        {%- endfor %}
            - {{ features | length }} * 0.5 * ln(2 * pi())
            - 0.5 * (
            {%- for column_feature in features %}
                power(
                    {%- for row_feature in features %}
                    (scored.{{ row_feature }} - model_row.c_{{ segment }}__{{ row_feature }}) * model_row.p_{{ segment }}__{{ row_feature }}__{{ column_feature }}{{ " +" if not loop.last }}
                    {%- endfor %}, 2){{ " +" if not loop.last }}
            {%- endfor %}
            ) as log_density_{{ segment }},
        {%- endif %}
        {%- endfor %}
        1 as scored_row

    from scored
    cross join model_row

),

assigned as (

    select
        *,
        {%- set score = 'log_density_' if is_mixture else 'd2_' %}
        case
            {%- for segment in segments %}
            when {{ score }}{{ segment }} = {{ 'greatest' if is_mixture else 'least' }}({% for other in segments %}{{ score }}{{ other }}{{ ", " if not loop.last }}{% endfor %})
                then {{ segment }}
            {%- endfor %}
        end as segment_id,
        least({% for segment in segments %}d2_{{ segment }}{{ ", " if not loop.last }}{% endfor %}) as nearest_d2

    from distances

),

measured as (

    select
        *,
        case segment_id
            {%- for segment in segments %}
            when {{ segment }} then d2_{{ segment }}
            {%- endfor %}
        end as own_d2,
        least(
            {%- for segment in segments %}
            case when segment_id <> {{ segment }} then d2_{{ segment }} else {{ no_distance }} end{{ "," if not loop.last }}
            {%- endfor %}
        ) as other_d2

    from assigned

),

final as (

    select
        customer_id,
        cast(segment_id as integer) as segment_id,
        cast(model_version as integer) as model_version,
        sqrt(own_d2) as distance_to_centroid,
        sqrt(nearest_d2) as nearest_centroid_distance,
        case
            when other_d2 > 0 then least(greatest(1 - sqrt(own_d2) / sqrt(other_d2), 0), 1)
            else 0
        end as confidence,
        sqrt(nearest_d2) > far_distance as is_far_from_centroids

    from measured

)

select * from final
