{#- One row per customer with a valid purchase: RFM quintile scores and the classic RFM group.
    Score of a value = 1 + floor(5 x percent_rank), capped at 5, where percent_rank orders customers from
    worst to best: recency_days descending (most recent is best), frequency and monetary ascending. Ties
    share a score; 5 is best. rfm_score concatenates R, F and M ("545").
    rfm_group follows the classic recency x frequency map:
      R 5, F 4-5: Champions            R 3-4, F 4-5: Loyal Customers      R 4-5, F 2-3: Potential Loyalists
      R 5, F 1:   New Customers        R 4, F 1:     Promising            R 3, F 3:     Need Attention
      R 3, F 1-2: About to Sleep       R 1-2, F 5:   Cannot Lose Them     R 1-2, F 3-4: At Risk
      R 1-2, F 1-2: Hibernating -#}

with customers as (

    select * from {{ ref('int_transactions_aggregated_to_customers') }}

),

scored as (

    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        cast(least(5, 1 + floor(5 * percent_rank() over (order by recency_days desc) + 1e-9)) as integer) as recency_score,
        cast(least(5, 1 + floor(5 * percent_rank() over (order by frequency) + 1e-9)) as integer) as frequency_score,
        cast(least(5, 1 + floor(5 * percent_rank() over (order by monetary) + 1e-9)) as integer) as monetary_score

    from customers

),

grouped as (

    select
        customer_id,
        cast(recency_score as string) || cast(frequency_score as string) || cast(monetary_score as string) as rfm_score,
        case
            when recency_score = 5 and frequency_score >= 4 then 'Champions'
            when recency_score >= 3 and frequency_score >= 4 then 'Loyal Customers'
            when recency_score >= 4 and frequency_score >= 2 then 'Potential Loyalists'
            when recency_score = 5 and frequency_score = 1 then 'New Customers'
            when recency_score = 4 and frequency_score = 1 then 'Promising'
            when recency_score = 3 and frequency_score = 3 then 'Need Attention'
            when recency_score = 3 then 'About to Sleep'
            when frequency_score = 5 then 'Cannot Lose Them'
            when frequency_score >= 3 then 'At Risk'
            else 'Hibernating'
        end as rfm_group,
        recency_days,
        frequency,
        monetary,
        recency_score,
        frequency_score,
        monetary_score

    from scored

)

select * from grouped
