-- The customers of one segment ranked by value (var cookbook_segment_id, default 1; top 100), with the
-- features whose value lay beyond an outlier fence: the model and the segment profiles count those
-- values at the fence (winsorised), so an absurd value cannot make a segment.
-- Value is spend: monetary when transactions are an input, otherwise purchases x average cart value,
-- otherwise the first candidate feature.
{%- set features = candidate_features() -%}
{%- if 'monetary' in features -%}
    {%- set value_expression = 'features.monetary' -%}
{%- elif 'total_purchases' in features and 'avg_cart_value' in features -%}
    {%- set value_expression = 'features.total_purchases * features.avg_cart_value' -%}
{%- else -%}
    {%- set value_expression = 'features.' ~ features[0] -%}
{%- endif %}
with fences as (
    select
        {%- for feature in features %}
        max(case when feature = '{{ feature }}' then lower_fence_value end) as {{ feature }}__lower,
        max(case when feature = '{{ feature }}' then upper_fence_value end) as {{ feature }}__upper{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('feature_summary') }}
)
select
    segments.customer_id,
    segments.segment_name,
    {{ value_expression }} as customer_value,
    segments.confidence,
    segments.distinguishing_features,
    concat_ws(
        ', '
        {%- for feature in features %},
        case
            when features.{{ feature }} > fences.{{ feature }}__upper then '{{ feature }} above its fence'
            when features.{{ feature }} < fences.{{ feature }}__lower then '{{ feature }} below its fence'
        end
        {%- endfor %}
    ) as clipped_features
from {{ ref('customer_segments') }} as segments
inner join {{ ref('customer_features') }} as features on segments.customer_id = features.customer_id
cross join fences
where segments.segment_id = {{ var('cookbook_segment_id', 1) | int }}
order by customer_value desc, segments.customer_id
limit 100
