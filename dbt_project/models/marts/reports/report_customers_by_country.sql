{#- One row per country: the purchasers whose main country it is (customer_rfm.main_country, the country of
    most of their valid purchase lines), their share of the purchasers with a known country, and their
    spend. Empty without a transactions input with a country column (no customer has a main country). -#}

with purchasers as (

    select customer_id, main_country, monetary
    from {{ ref('customer_rfm') }}
    where main_country is not null

),

countries as (

    select
        main_country as country,
        count(*) as customers,
        sum(monetary) as monetary

    from purchasers
    group by main_country

),

totals as (

    select
        sum(customers) as customers,
        sum(monetary) as monetary

    from countries

),

final as (

    select
        cast(countries.country as string) as country,
        cast(row_number() over (order by countries.customers desc, countries.country) as integer)
            as country_rank,
        cast(countries.customers as bigint) as customers,
        cast(countries.customers as double) / totals.customers as customer_share,
        cast(countries.monetary as double) as monetary,
        cast(countries.monetary / nullif(totals.monetary, 0) as double) as monetary_share,
        cast(countries.monetary / countries.customers as double) as monetary_per_customer

    from countries
    cross join totals

)

select * from final
