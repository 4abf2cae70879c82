{#- One row per customer: the segment, and every candidate feature's value and standardized value. What the
    report marts of feature distributions read (report_feature_boxes, report_feature_histograms): stored
    once, so that each of them unpivots a table it streams from rather than joining the segments again or
    holding the join in memory. -#}

{%- set specs = candidate_feature_specs() %}
select
    features.customer_id,
    segments.segment_id,
    {%- for spec in specs %}
    cast(features.{{ spec.name }} as double) as {{ spec.name }},
    cast(features.{{ spec.name }}_z as double) as {{ spec.name }}_z{% if not loop.last %},{% endif %}
    {%- endfor %}

from {{ ref('customer_features') }} as features
inner join {{ ref('customer_segments') }} as segments on features.customer_id = segments.customer_id
