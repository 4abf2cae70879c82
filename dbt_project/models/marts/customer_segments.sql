{#- One row per customer: the segment, how well the customer fits it and what sets the customer apart.
    distinguishing_features: the customer's two features furthest from the all-customer mean
    (standardized), with their direction. -#}
-- depends_on: {{ ref('feature_labels') }}
{%- set features = model_features() -%}
{#- feature -> [high label, low label] from the feature_labels seed (a feature without a row gets
    "High <feature>" / "Low <feature>"). -#}
{%- set trait_labels = {} -%}
{%- if execute -%}
    {%- for row in run_query("select feature, high_label, low_label from " ~ ref('feature_labels')) -%}
        {%- do trait_labels.update({row[0]: [row[1] or 'High ' ~ row[0], row[2] or 'Low ' ~ row[0]]}) -%}
    {%- endfor -%}
{%- endif %}

with assignments as (

    select * from {{ ref('int_segment_assignments') }}

),

segment_labels as (

    select * from {{ ref('int_segment_labels') }}

),

standardized as (

    select * from {{ ref('int_customer_features_standardized') }}

),

distinguishing as (

    -- Per customer, the (feature, |z|) pairs sorted by |z| descending (ties by feature name), first two
    -- kept: a row-wise list sort on the wide table, with no unpivot, window or join over customers x
    -- features (which at millions of customers dominated this model's time and memory).
    select
        customer_id,
        array_to_string(
            list_transform(
                list_sort([
                    {%- for feature in features %}
                    {
                        'distance': -abs(coalesce({{ feature }}, 0)),
                        'feature': '{{ feature }}',
                        'label': case
                            when coalesce({{ feature }}, 0) >= 0 then {{ sql_string(trait_labels.get(feature, ['High ' ~ feature, 'Low ' ~ feature])[0]) }}
                            else {{ sql_string(trait_labels.get(feature, ['High ' ~ feature, 'Low ' ~ feature])[1]) }}
                        end
                    }{{ "," if not loop.last }}
                    {%- endfor %}
                ])[1:2],
                trait -> trait.label
            ),
            ', '
        ) as distinguishing_features

    from standardized

),

final as (

    select
        assignments.customer_id::varchar as customer_id,
        assignments.segment_id::integer as segment_id,
        segment_labels.segment_name,
        distinguishing.distinguishing_features,
        assignments.distance_to_centroid::double as distance_to_centroid,
        assignments.confidence::double as confidence,
        assignments.silhouette::double as silhouette

    from assignments
    inner join segment_labels on assignments.segment_id = segment_labels.segment_id
    inner join distinguishing on assignments.customer_id = distinguishing.customer_id

)

select * from final
