{#- One row per segment: name, description, size and share, suggested action, and per candidate feature
    the mean of the winsorised values and the median (feature units: <feature>_mean, <feature>_median) and
    the z-score lift against all customers (<feature>_lift_z). Preprocessed with the parameters of the
    model version in use. The per-feature columns follow the inputs and configured features, so this mart
    carries no contract; segment_centroids holds the same numbers in long form with one.
    The coupon strategy follows the segment's discount affinity: the mean lift over its discount and coupon
    features (by name), against var discount_affinity_threshold. -#}
{%- set features = candidate_features() %}
{%- set discount_features = [] %}
{%- for feature in features if 'discount' in feature or 'coupon' in feature %}
{%- do discount_features.append(feature) %}
{%- endfor %}
{%- set threshold = number_var('discount_affinity_threshold') | float %}

with statistics as (

    select * from {{ ref('int_segment_features_profiled') }}

),

segment_labels as (

    select * from {{ ref('int_segments_labelled') }}

),

wide as (

    -- A pivot of the small segment x feature table.
    select
        segment_id,
        max(customers) as customers,
        {%- for feature in features %}
        max(case when feature = {{ sql_string(feature) }} then mean_value end) as {{ feature }}_mean,
        max(case when feature = {{ sql_string(feature) }} then median_value end) as {{ feature }}_median,
        max(case when feature = {{ sql_string(feature) }} then centroid_z end) as {{ feature }}_lift_z{{ "," if not loop.last }}
        {%- endfor %}

    from statistics
    group by segment_id

),

final as (

    select
        cast(segment_labels.segment_id as integer) as segment_id,
        segment_labels.segment_name,
        segment_labels.segment_description,
        segment_labels.key_traits,
        segment_labels.suggested_action,
        cast(wide.customers as bigint) as customers,
        cast(wide.customers as double) / sum(wide.customers) over () as customer_share,
        segment_labels.persona_match_score,
        segment_labels.is_catalogue_persona,
        {%- if discount_features %}
        ({% for feature in discount_features %}wide.{{ feature }}_lift_z{{ " + " if not loop.last }}{% endfor %})
            / {{ discount_features | length }} as discount_affinity_z,
        {%- else %}
        cast(null as double) as discount_affinity_z,
        {%- endif %}
        {%- for feature in features %}
        wide.{{ feature }}_mean,
        wide.{{ feature }}_median,
        wide.{{ feature }}_lift_z{{ "," if not loop.last }}
        {%- endfor %}

    from segment_labels
    inner join wide on segment_labels.segment_id = wide.segment_id

),

with_strategy as (

    select
        *,
        case
            when discount_affinity_z >= {{ threshold }} then
                'Coupon-driven: keep coupons, but targeted: personal offers on what they already buy, a '
                || 'discount floor to protect margin, and a test of smaller discounts or loyalty points '
                || 'against a control group.'
            when discount_affinity_z <= -{{ threshold }} then
                'Pays full price: send no coupons, they would only give margin away; use non-price levers '
                || 'such as early access, loyalty perks and service.'
            when discount_affinity_z is not null then
                'Average coupon response: use coupons sparingly and only after a test against a control '
                || 'group shows they add sales.'
        end as coupon_strategy

    from final

)

select * from with_strategy
