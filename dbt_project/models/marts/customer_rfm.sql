{#- One row per customer with a valid purchase: the RFM values, quintile scores and classic RFM group,
    beside the cluster segment the customer is in. Empty without a transactions input. -#}

with transaction_features as (

    select * from {{ ref('int_transaction_customer_features') }}

),

scores as (

    select * from {{ ref('int_customer_rfm_scores') }}

),

segments as (

    select * from {{ ref('customer_segments') }}

),

final as (

    select
        transaction_features.customer_id::varchar as customer_id,
        segments.segment_id::integer as segment_id,
        segments.segment_name::varchar as segment_name,
        scores.rfm_group::varchar as rfm_group,
        scores.rfm_score::varchar as rfm_score,
        transaction_features.main_country::varchar as main_country,
        scores.recency_score::integer as recency_score,
        scores.frequency_score::integer as frequency_score,
        scores.monetary_score::integer as monetary_score,
        transaction_features.recency_days::integer as recency_days,
        transaction_features.frequency::bigint as frequency,
        transaction_features.monetary::double as monetary,
        transaction_features.avg_order_value::double as avg_order_value,
        transaction_features.tenure_days::integer as tenure_days,
        transaction_features.returned_value::double as returned_value,
        transaction_features.return_rate::double as return_rate,
        transaction_features.distinct_products::bigint as distinct_products,
        transaction_features.discount_value_share::double as discount_value_share,
        transaction_features.as_of_date::date as as_of_date,
        transaction_features.first_purchase_at::timestamp as first_purchase_at,
        transaction_features.last_purchase_at::timestamp as last_purchase_at

    from transaction_features
    inner join scores on transaction_features.customer_id = scores.customer_id
    left join segments on transaction_features.customer_id = segments.customer_id

)

select * from final
