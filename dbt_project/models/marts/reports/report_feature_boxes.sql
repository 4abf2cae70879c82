{#- One row per candidate feature and population (all customers, and each segment of the model version in
    use): Tukey box statistics - quartiles, mean, and whiskers at the furthest values within 1.5 IQR of the
    box, with the count of values beyond them - on the model's scale (the transform of the version in use,
    not clipped), the same in the feature's units, and of the standardized values the model saw (z_*).
    Quartiles are interpolated (percentile_cont). -#}
{%- set quartiles = [0.25, 0.5, 0.75] %}

with feature_values as {{ inlined_cte() }} (

    {{ customer_feature_values(ref('int_customer_features_segmented')) }}

),

summary as (

    select feature, transform, is_model_feature
    from {{ ref('feature_summary') }}

),

segments as (

    select segment_id, segment_name
    from {{ ref('segment_profiles') }}

),

quartile_lists as (

    -- Each segment, and all customers (segment_id NULL): one pass over the values for both populations.
    select
        feature,
        case when grouping(segment_id) = 0 then segment_id end as segment_id,
        count(*) as customers,
        {{ quantiles('model_value', quartiles) }} as model_quartiles,
        avg(model_value) as mean,
        avg(feature_value) as mean_value,
        {{ quantiles('z_value', quartiles) }} as z_quartiles,
        avg(z_value) as z_mean

    from feature_values
    group by grouping sets ((feature, segment_id), (feature))

),

quartile_values as (

    select
        feature,
        segment_id,
        customers,
        {{ list_element('model_quartiles', 1) }} as q1,
        {{ list_element('model_quartiles', 2) }} as median,
        {{ list_element('model_quartiles', 3) }} as q3,
        mean,
        mean_value,
        {{ list_element('z_quartiles', 1) }} as z_q1,
        {{ list_element('z_quartiles', 2) }} as z_median,
        {{ list_element('z_quartiles', 3) }} as z_q3,
        z_mean

    from quartile_lists

),

boxes as (

    select
        *,
        q1 - 1.5 * (q3 - q1) as lower_limit,
        q3 + 1.5 * (q3 - q1) as upper_limit,
        z_q1 - 1.5 * (z_q3 - z_q1) as z_lower_limit,
        z_q3 + 1.5 * (z_q3 - z_q1) as z_upper_limit

    from quartile_values

),

value_limits as (

    -- Each value with the whisker limits of its segment's box and of the all-customer box.
    select
        feature_values.feature,
        feature_values.segment_id,
        feature_values.model_value,
        feature_values.z_value,
        segment_boxes.lower_limit as segment_lower_limit,
        segment_boxes.upper_limit as segment_upper_limit,
        segment_boxes.z_lower_limit as segment_z_lower_limit,
        segment_boxes.z_upper_limit as segment_z_upper_limit,
        all_boxes.lower_limit as all_lower_limit,
        all_boxes.upper_limit as all_upper_limit,
        all_boxes.z_lower_limit as all_z_lower_limit,
        all_boxes.z_upper_limit as all_z_upper_limit

    from feature_values
    inner join boxes as segment_boxes
        on feature_values.feature = segment_boxes.feature
        and feature_values.segment_id = segment_boxes.segment_id
    inner join boxes as all_boxes
        on feature_values.feature = all_boxes.feature
        and all_boxes.segment_id is null

),

whisker_values as (

    -- Grouped like the boxes, each population against its own limits.
    select
        feature,
        case when grouping(segment_id) = 0 then segment_id end as segment_id,
        {%- for population in ['segment', 'all'] %}
        min(case when model_value >= {{ population }}_lower_limit then model_value end)
            as {{ population }}_lower_whisker,
        max(case when model_value <= {{ population }}_upper_limit then model_value end)
            as {{ population }}_upper_whisker,
        sum(case when model_value < {{ population }}_lower_limit
                   or model_value > {{ population }}_upper_limit then 1 else 0 end) as {{ population }}_outliers,
        min(case when z_value >= {{ population }}_z_lower_limit then z_value end)
            as {{ population }}_z_lower_whisker,
        max(case when z_value <= {{ population }}_z_upper_limit then z_value end)
            as {{ population }}_z_upper_whisker,
        sum(case when z_value < {{ population }}_z_lower_limit
                   or z_value > {{ population }}_z_upper_limit then 1 else 0 end) as {{ population }}_z_outliers,
        {%- endfor %}
        grouping(segment_id) = 1 as is_all_customers

    from value_limits
    group by grouping sets ((feature, segment_id), (feature))

),

whiskers as (

    select
        boxes.feature,
        boxes.segment_id,
        boxes.customers,
        boxes.q1,
        boxes.median,
        boxes.q3,
        boxes.mean,
        boxes.mean_value,
        {%- for statistic in ['lower_whisker', 'upper_whisker', 'outliers', 'z_lower_whisker', 'z_upper_whisker', 'z_outliers'] %}
        case when whisker_values.is_all_customers then whisker_values.all_{{ statistic }}
             else whisker_values.segment_{{ statistic }} end as {{ statistic }},
        {%- endfor %}
        boxes.z_q1,
        boxes.z_median,
        boxes.z_q3,
        boxes.z_mean

    from boxes
    inner join whisker_values
        on boxes.feature = whisker_values.feature
        and boxes.segment_id is not distinct from whisker_values.segment_id

),

final as (

    select
        cast(whiskers.feature as string) as feature,
        cast(summary.is_model_feature as boolean) as is_model_feature,
        cast(summary.transform as string) as transform,
        cast(whiskers.segment_id is null as boolean) as is_all_customers,
        cast(whiskers.segment_id as integer) as segment_id,
        cast(segments.segment_name as string) as segment_name,
        cast(whiskers.customers as bigint) as customers,
        cast(whiskers.q1 as double) as q1,
        cast(whiskers.median as double) as median,
        cast(whiskers.q3 as double) as q3,
        cast(whiskers.mean as double) as mean,
        cast(whiskers.lower_whisker as double) as lower_whisker,
        cast(whiskers.upper_whisker as double) as upper_whisker,
        cast(whiskers.outliers as bigint) as outliers,
        cast({{ value_in_feature_units('summary.transform', 'whiskers.q1') }} as double) as q1_value,
        cast({{ value_in_feature_units('summary.transform', 'whiskers.median') }} as double) as median_value,
        cast({{ value_in_feature_units('summary.transform', 'whiskers.q3') }} as double) as q3_value,
        cast(whiskers.mean_value as double) as mean_value,
        cast({{ value_in_feature_units('summary.transform', 'whiskers.lower_whisker') }} as double)
            as lower_whisker_value,
        cast({{ value_in_feature_units('summary.transform', 'whiskers.upper_whisker') }} as double)
            as upper_whisker_value,
        cast(whiskers.z_q1 as double) as z_q1,
        cast(whiskers.z_median as double) as z_median,
        cast(whiskers.z_q3 as double) as z_q3,
        cast(whiskers.z_mean as double) as z_mean,
        cast(whiskers.z_lower_whisker as double) as z_lower_whisker,
        cast(whiskers.z_upper_whisker as double) as z_upper_whisker,
        cast(whiskers.z_outliers as bigint) as z_outliers

    from whiskers
    inner join summary on whiskers.feature = summary.feature
    left join segments on whiskers.segment_id = segments.segment_id

)

select * from final
