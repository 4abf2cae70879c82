{#- One row per customer with a valid purchase: the RFM values, quintile scores and classic RFM group,
    beside the cluster segment the customer is in. Empty without a transactions input. -#}

with transaction_features as (

    select * from {{ ref('int_transactions_aggregated_to_customers') }}

),

scores as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

segments as (

    select * from {{ ref('customer_segments') }}

),

final as (

    select
        cast(transaction_features.customer_id as string) as customer_id,
        cast(segments.segment_id as integer) as segment_id,
        cast(segments.segment_name as string) as segment_name,
        cast(scores.rfm_group as string) as rfm_group,
        cast(scores.rfm_score as string) as rfm_score,
        cast(transaction_features.main_country as string) as main_country,
        cast(scores.recency_score as integer) as recency_score,
        cast(scores.frequency_score as integer) as frequency_score,
        cast(scores.monetary_score as integer) as monetary_score,
        cast(transaction_features.recency_days as integer) as recency_days,
        cast(transaction_features.frequency as bigint) as frequency,
        cast(transaction_features.monetary as double) as monetary,
        cast(transaction_features.avg_order_value as double) as avg_order_value,
        cast(transaction_features.tenure_days as integer) as tenure_days,
        cast(transaction_features.returned_value as double) as returned_value,
        cast(transaction_features.return_rate as double) as return_rate,
        cast(transaction_features.distinct_products as bigint) as distinct_products,
        cast(transaction_features.discount_value_share as double) as discount_value_share,
        cast(transaction_features.as_of_date as date) as as_of_date,
        cast(transaction_features.first_purchase_at as timestamp) as first_purchase_at,
        cast(transaction_features.last_purchase_at as timestamp) as last_purchase_at

    from transaction_features
    inner join scores on transaction_features.customer_id = scores.customer_id
    left join segments on transaction_features.customer_id = segments.customer_id

)

select * from final
