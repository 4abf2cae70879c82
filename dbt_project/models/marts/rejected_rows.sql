{#- One row per input row that did not make it into the cleaned data, with the input and the reason. Every
    row read ends up accepted (in its validation model) or here. -#}

with customer_rows as (

    select * from {{ ref('int_customer_rows_validated') }}

),

transaction_lines as (

    select * from {{ ref('int_transaction_lines_validated') }}

),

events as (

    select * from {{ ref('int_event_rows_validated') }}

),

redemptions as (

    select * from {{ ref('int_coupon_redemptions_validated') }}

),

{%- for input_name, cte in [('customers', 'customer_rows'), ('transactions', 'transaction_lines'),
                            ('events', 'events'), ('coupon_redemptions', 'redemptions')] %}

rejected_{{ input_name }} as (

    select
        '{{ input_name }}' as input_name,
        source_file::varchar as source_file,
        source_row_number::bigint as source_row_number,
        customer_id_text::varchar as customer_id,
        rejection_reason::varchar as rejection_reason,
        rejection_detail::varchar as rejection_detail,
        to_json({{ cte }})::varchar as raw_record

    from {{ cte }}
    where not is_accepted

),
{%- endfor %}

rejected as (

    select * from rejected_customers
    union all
    select * from rejected_transactions
    union all
    select * from rejected_events
    union all
    select * from rejected_coupon_redemptions

)

select * from rejected
