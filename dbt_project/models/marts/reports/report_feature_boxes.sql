{#- One row per candidate feature and population (all customers, and each segment of the model version in
    use): Tukey box statistics - quartiles, mean, and whiskers at the furthest values within 1.5 IQR of the
    box, with the count of values beyond them - on the model's scale (the transform of the version in use,
    not clipped), the same in the feature's units, and of the standardized values the model saw (z_*).
    Quartiles are interpolated (percentile_cont). -#}
{%- set quartiles = [0.25, 0.5, 0.75] %}

with customer_values as {{ inlined_cte() }} (

    {{ customer_feature_values() }}

),

feature_values as {{ inlined_cte() }} (

    -- Each value twice: in the customer's segment, and among all customers (segment_id NULL).
    select
        customer_values.feature,
        case when populations.is_all_customers then null else customer_values.segment_id end as segment_id,
        customer_values.feature_value,
        customer_values.model_value,
        customer_values.z_value

    from customer_values
    cross join (
        select true as is_all_customers
        union all
        select false as is_all_customers
    ) as populations

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

    select
        feature,
        segment_id,
        count(*) as customers,
        {{ quantiles('model_value', quartiles) }} as model_quartiles,
        avg(model_value) as mean,
        avg(feature_value) as mean_value,
        {{ quantiles('z_value', quartiles) }} as z_quartiles,
        avg(z_value) as z_mean

    from feature_values
    group by feature, segment_id

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

whiskers as (

    -- The box statistics carried along (one value per group), so that the boxes are computed once.
    select
        feature_values.feature,
        feature_values.segment_id,
        max(boxes.customers) as customers,
        max(boxes.q1) as q1,
        max(boxes.median) as median,
        max(boxes.q3) as q3,
        max(boxes.mean) as mean,
        max(boxes.mean_value) as mean_value,
        min(case when feature_values.model_value >= boxes.lower_limit then feature_values.model_value end)
            as lower_whisker,
        max(case when feature_values.model_value <= boxes.upper_limit then feature_values.model_value end)
            as upper_whisker,
        sum(case when feature_values.model_value < boxes.lower_limit
                   or feature_values.model_value > boxes.upper_limit then 1 else 0 end) as outliers,
        max(boxes.z_q1) as z_q1,
        max(boxes.z_median) as z_median,
        max(boxes.z_q3) as z_q3,
        max(boxes.z_mean) as z_mean,
        min(case when feature_values.z_value >= boxes.z_lower_limit then feature_values.z_value end)
            as z_lower_whisker,
        max(case when feature_values.z_value <= boxes.z_upper_limit then feature_values.z_value end)
            as z_upper_whisker,
        sum(case when feature_values.z_value < boxes.z_lower_limit
                   or feature_values.z_value > boxes.z_upper_limit then 1 else 0 end) as z_outliers

    from feature_values
    inner join boxes
        on feature_values.feature = boxes.feature
        and feature_values.segment_id is not distinct from boxes.segment_id
    group by feature_values.feature, feature_values.segment_id

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
