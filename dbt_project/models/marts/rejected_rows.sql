{#- One row per input row that did not make it into the cleaned data, with the reason. -#}

with customer_rows as (

    select * from {{ ref('int_customer_rows_validated') }}

),

rejected as (

    select
        'customers' as input_name,
        source_file::varchar as source_file,
        source_row_number::bigint as source_row_number,
        customer_id_text::varchar as customer_id,
        rejection_reason::varchar as rejection_reason,
        rejection_detail::varchar as rejection_detail,
        to_json(customer_rows)::varchar as raw_record

    from customer_rows
    where not is_accepted

)

select * from rejected
