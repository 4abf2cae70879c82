{#- Long format, the single feature contract: one row per customer and candidate feature
    (int_feature_candidates). The customers are everyone any input given has: the customer table's
    accepted customers, customers with a valid purchase, with an accepted event or with an accepted coupon
    redemption (before the as-of date). Values come from the per-input feature models; the customer
    table's after imputation, with its derived ratios (numerator / denominator, 0 when the denominator
    is 0).
    A customer without a value (absent from that input, or the value undefined) gets the feature's fill
    rule, flagged is_imputed: zero (no activity), max (a "days since" feature: the largest value among
    customers with one) or median (a customer-table feature). -#}
{%- set features = customer_features() -%}
{%- set ratios = derived_ratios() -%}

with customers as (

    select * from {{ ref('int_customers_imputed') }}

),

transaction_features as (

    select * from {{ ref('int_transaction_customer_features') }}

),

event_features as (

    select * from {{ ref('int_event_customer_features') }}

),

coupon_features as (

    select * from {{ ref('int_coupon_customer_features') }}

),

candidates as (

    select * from {{ ref('int_feature_candidates') }}

),

behaviour_values as (

    {%- for feature in features %}
    select
        customer_id,
        '{{ feature }}' as feature,
        {{ feature }}::double as feature_value,
        is_{{ feature }}_imputed as is_imputed
    from customers
    {{ "union all" if not loop.last }}
    {%- endfor %}

),

ratio_values as (

    {%- if ratios %}
    {%- for name, parts in ratios.items() %}
    select
        customer_id,
        '{{ name }}' as feature,
        {{ ratio_expression(parts[0], parts[1]) }}::double as feature_value,
        is_{{ parts[0] }}_imputed or is_{{ parts[1] }}_imputed as is_imputed
    from customers
    {{ "union all" if not loop.last }}
    {%- endfor %}
    {%- else %}
    select * from behaviour_values where false
    {%- endif %}

),

{%- for input_name, cte in [('transactions', 'transaction_features'), ('events', 'event_features'),
                            ('coupon_redemptions', 'coupon_features')] %}

{{ input_name }}_values as (

    unpivot (
        select
            customer_id,
            {%- for name in input_feature_names(input_name) %}
            {{ name }}::double as {{ name }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ cte }}
    )
    on {{ input_feature_names(input_name) | join(', ') }}
    into name feature value feature_value

),
{%- endfor %}

observed as (

    select * from behaviour_values
    union all
    select * from ratio_values
    union all
    select customer_id, feature, feature_value, false as is_imputed from transactions_values
    union all
    select customer_id, feature, feature_value, false as is_imputed from events_values
    union all
    select customer_id, feature, feature_value, false as is_imputed from coupon_redemptions_values

),

usable_observed as (

    select observed.*
    from observed
    inner join candidates on observed.feature = candidates.feature
    where observed.feature_value is not null and isfinite(observed.feature_value)

),

universe as (

    select customer_id from customers
    union
    select customer_id from transaction_features
    union
    select customer_id from event_features
    union
    select customer_id from coupon_features

),

fill_values as (

    select
        feature,
        max(feature_value) as max_value,
        median(feature_value) as median_value

    from usable_observed
    group by all

),

grid as (

    select
        universe.customer_id,
        candidates.feature,
        candidates.feature_kind,
        candidates.fill_rule

    from universe
    cross join candidates

),

final as (

    select
        grid.customer_id,
        grid.feature,
        grid.feature_kind,
        coalesce(
            usable_observed.feature_value,
            case grid.fill_rule
                when 'max' then fill_values.max_value
                when 'median' then fill_values.median_value
            end,
            0
        ) as feature_value,
        coalesce(usable_observed.is_imputed, true) as is_imputed

    from grid
    left join usable_observed
        on grid.customer_id = usable_observed.customer_id
        and grid.feature = usable_observed.feature
    left join fill_values on grid.feature = fill_values.feature

)

select * from final
