{#- One row per clickstream event of the events input: canonical names, the parsed timestamp and price
    beside their raw text, normalized customer ids, the event type as written. Empty, with the same
    columns, when var events_path is unset. -#}

with source as (

    {{ read_input('events') }}

),

renamed as (

    select
        source_row_number,
        source_file,
        {{ normalize_customer_id('customer_id') }} as customer_id,
        customer_id as customer_id_text,
        nullif(trim(session_id), '') as session_id,
        nullif(trim(product_id), '') as product_id,
        nullif(trim(category), '') as category,
        event_type as event_type_text,
        event_ts as event_ts_text,
        price as price_text,
        {{ parse_number('price') }} as price,
        {{ parse_timestamp('event_ts') }} as event_ts

    from source

)

select * from renamed
