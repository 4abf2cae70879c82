-- The customers of one segment ranked by value (var cookbook_segment_id, default 1; top 100).
-- Value is spend: monetary when transactions are an input, otherwise purchases x average cart value,
-- otherwise the first model feature.
{%- set features = model_features() -%}
{%- if 'monetary' in features -%}
    {%- set value_expression = 'features.monetary' -%}
{%- elif 'total_purchases' in features and 'avg_cart_value' in features -%}
    {%- set value_expression = 'features.total_purchases * features.avg_cart_value' -%}
{%- else -%}
    {%- set value_expression = 'features.' ~ features[0] -%}
{%- endif %}
select
    segments.customer_id,
    segments.segment_name,
    {{ value_expression }} as customer_value,
    segments.confidence,
    segments.distinguishing_features
from {{ ref('customer_segments') }} as segments
inner join {{ ref('customer_features') }} as features on segments.customer_id = features.customer_id
where segments.segment_id = {{ var('cookbook_segment_id', 1) | int }}
order by customer_value desc, segments.customer_id
limit 100
