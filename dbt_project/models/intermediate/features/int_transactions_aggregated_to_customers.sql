{#- One row per customer with at least one valid purchase line before the as-of date: the transactions
    input's features, as the feature catalogue defines them (macro feature_catalogue; docs/features.md), and
    main_country: the country with the most valid purchase lines; ties: the higher value, then the
    alphabetically first (NULL without country). Lines on or after as_of_date are not used. -#}

with lines as (

    select * from {{ ref('int_transaction_lines_validated') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

usable_lines as (

    select
        lines.*,
        as_of.as_of_date

    from lines
    cross join as_of
    where lines.is_accepted and lines.order_ts < as_of.as_of_date

),

purchases as (

    select
        customer_id,
        any_value(as_of_date) as as_of_date,
        count(distinct order_id) as frequency,
        sum(quantity * unit_price) as monetary,
        case when count(product_id) > 0 then count(distinct product_id) end as distinct_products,
        case when count(discount_amount) > 0 then sum(discount_amount) end as discount_amount,
        min(order_ts) as first_purchase_at,
        max(order_ts) as last_purchase_at

    from usable_lines
    where line_type = 'purchase'
    group by customer_id

),

returns as (

    select
        customer_id,
        sum(line_value) as returned_value

    from usable_lines
    where line_type = 'return'
    group by customer_id

),

country_lines as (

    select
        customer_id,
        country,
        count(*) as purchase_lines,
        sum(line_value) as purchase_value

    from usable_lines
    where line_type = 'purchase' and country is not null
    group by customer_id, country

),

ranked_countries as (

    select
        customer_id,
        country,
        row_number() over (
            partition by customer_id order by purchase_lines desc, purchase_value desc, country
        ) as country_rank

    from country_lines

),

countries as (

    select customer_id, country
    from ranked_countries
    where country_rank = 1

),

final as (

    select
        purchases.customer_id,
        countries.country as main_country,
        {{ dbt.datediff('cast(purchases.last_purchase_at as date)', 'purchases.as_of_date', 'day') }} as recency_days,
        purchases.frequency,
        purchases.monetary,
        purchases.monetary / purchases.frequency as avg_order_value,
        {{ dbt.datediff('cast(purchases.first_purchase_at as date)', 'purchases.as_of_date', 'day') }} as tenure_days,
        coalesce(returns.returned_value, 0) as returned_value,
        coalesce(returns.returned_value, 0) / purchases.monetary as return_rate,
        purchases.distinct_products,
        purchases.discount_amount / purchases.monetary as discount_value_share,
        1 as has_purchased,
        purchases.as_of_date,
        purchases.first_purchase_at,
        purchases.last_purchase_at

    from purchases
    left join returns on purchases.customer_id = returns.customer_id
    left join countries on purchases.customer_id = countries.customer_id

)

select * from final
