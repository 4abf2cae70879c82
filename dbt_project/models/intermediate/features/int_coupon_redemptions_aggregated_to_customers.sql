{#- One row per customer with at least one accepted coupon redemption before the as-of date: the coupon
    features, as the feature catalogue defines them (macro feature_catalogue; docs/features.md). -#}

with redemptions as (

    select * from {{ ref('int_coupon_redemptions_validated') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

purchasers as (

    select * from {{ ref('int_transactions_aggregated_to_customers') }}

),

usable_redemptions as (

    select
        redemptions.*,
        as_of.as_of_date

    from redemptions
    cross join as_of
    where redemptions.is_accepted and redemptions.redeemed_at < as_of.as_of_date

),

per_customer as (

    select
        customer_id,
        any_value(as_of_date) as as_of_date,
        count(*) as coupon_redemptions,
        case when count(coupon_id) > 0 then count(distinct coupon_id) end as distinct_coupons,
        case when count(discount_amount) > 0 then sum(discount_amount) end as coupon_discount_amount,
        min(redeemed_at) as first_redemption_at,
        max(redeemed_at) as last_redemption_at

    from usable_redemptions
    group by customer_id

),

final as (

    select
        per_customer.customer_id,
        per_customer.coupon_redemptions,
        {{ dbt.datediff('cast(per_customer.last_redemption_at as date)', 'per_customer.as_of_date', 'day') }}
            as days_since_last_redemption,
        per_customer.distinct_coupons,
        per_customer.coupon_discount_amount,
        per_customer.coupon_redemptions / nullif(purchasers.frequency, 0) as coupon_redemptions_per_order,
        per_customer.coupon_discount_amount / nullif(purchasers.monetary, 0) as coupon_discount_share,
        per_customer.as_of_date,
        per_customer.first_redemption_at,
        per_customer.last_redemption_at

    from per_customer
    left join purchasers on per_customer.customer_id = purchasers.customer_id

)

select * from final
