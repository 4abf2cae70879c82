{#- One row per configured derived ratio of the customer table (var derived_ratios): how much of its spread
    between customers is sampling noise. A rate of counts (say coupon orders per order) of a customer with
    few orders is 0, 0.5 or 1 whatever the customer is like; clustering on it clusters on that noise.
    Over the customers with both parts observed (filled values are not data) and a positive denominator:
        mean_rate          = sum(numerator) / sum(denominator)
        observed_variance  = sum(denominator * (rate - mean_rate)^2) / sum(denominator)
        sampling_variance  = mean_rate / mean(denominator)      (Poisson counts)
        reliability        = max(observed_variance - sampling_variance, 0) / observed_variance
    the share of the observed spread that is the customers' own (the global empirical Bayes estimator of
    rates, Marshall 1991). Only a rate of counts (both parts whole, non-negative numbers) is judged this way:
    is_count_rate false otherwise, and int_features_selected leaves such a rate alone. -#}
{%- set specs = candidate_feature_specs() -%}
{%- set configured = configured_features(specs) -%}
{%- set rates = specs | selectattr('ratio_of') | selectattr('name', 'in', configured) | list %}

with features as (

    select * from {{ ref('int_customer_features_joined') }}

),

{%- if rates %}

parts as (

    {%- for spec in rates %}
    select
        {{ sql_string(spec.name) }} as feature,
        {{ sql_string(spec.ratio_of[0]) }} as numerator,
        {{ sql_string(spec.ratio_of[1]) }} as denominator,
        cast(features.{{ spec.ratio_of[0] }} as double) as numerator_value,
        cast(features.{{ spec.ratio_of[1] }} as double) as denominator_value

    from features
    where features.{{ spec.ratio_of[0] }} is not null and features.{{ spec.ratio_of[1] }} > 0
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

moments as (

    select
        feature,
        numerator,
        denominator,
        count(*) as customers,
        sum(
            case
                when numerator_value < 0
                    or numerator_value <> floor(numerator_value)
                    or denominator_value <> floor(denominator_value)
                    then 1
                else 0
            end
        ) = 0 as is_count_rate,
        sum(numerator_value) / sum(denominator_value) as mean_rate,
        avg(denominator_value) as mean_denominator,
        sum(denominator_value) as total_denominator

    from parts
    group by feature, numerator, denominator

),

spread as (

    select
        parts.feature,
        sum(
            parts.denominator_value
            * (parts.numerator_value / parts.denominator_value - moments.mean_rate)
            * (parts.numerator_value / parts.denominator_value - moments.mean_rate)
        ) / max(moments.total_denominator) as observed_variance

    from parts
    inner join moments on parts.feature = moments.feature
    group by parts.feature

),

measured as (

    select
        moments.feature,
        moments.numerator,
        moments.denominator,
        moments.customers,
        moments.is_count_rate,
        moments.mean_rate,
        spread.observed_variance,
        moments.mean_rate / moments.mean_denominator as sampling_variance

    from moments
    inner join spread on moments.feature = spread.feature

),

{%- else %}

measured as (

    select
        cast(null as string) as feature,
        cast(null as string) as numerator,
        cast(null as string) as denominator,
        cast(null as bigint) as customers,
        cast(null as boolean) as is_count_rate,
        cast(null as double) as mean_rate,
        cast(null as double) as observed_variance,
        cast(null as double) as sampling_variance

    from features
    where 1 = 0

),

{%- endif %}

final as (

    select
        cast(feature as string) as feature,
        cast(numerator as string) as numerator,
        cast(denominator as string) as denominator,
        cast(customers as bigint) as customers,
        is_count_rate,
        cast(mean_rate as double) as mean_rate,
        cast(observed_variance as double) as observed_variance,
        cast(sampling_variance as double) as sampling_variance,
        cast(
            case
                when observed_variance > 0
                    then greatest(observed_variance - sampling_variance, 0) / observed_variance
            end as double
        ) as reliability

    from measured

)

select * from final
