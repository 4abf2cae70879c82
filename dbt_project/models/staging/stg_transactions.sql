{#- One row per line of the transactions input (invoice lines): canonical names, parsed numbers and
    timestamps beside their raw text (so validation can tell "missing" from "does not parse"), normalized
    customer ids. Empty, with the same columns, when var transactions_path is unset. -#}

with source as (

    {{ read_input('transactions') }}

),

renamed as (

    select
        source_row_number,
        source_file,
        {{ normalize_customer_id('customer_id') }} as customer_id,
        customer_id as customer_id_text,
        nullif(trim(order_id), '') as order_id,
        nullif(trim(product_id), '') as product_id,
        nullif(trim(country), '') as country,
        order_ts as order_ts_text,
        quantity as quantity_text,
        unit_price as unit_price_text,
        discount_amount as discount_amount_text,
        {{ parse_number('quantity') }} as quantity,
        {{ parse_number('unit_price') }} as unit_price,
        {{ parse_number('discount_amount') }} as discount_amount,
        {{ parse_timestamp('order_ts') }} as order_ts

    from source

)

select * from renamed
