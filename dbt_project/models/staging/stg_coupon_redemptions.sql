{#- One row per coupon redemption of the coupon_redemptions input: canonical names, the parsed timestamp
    and discount beside their raw text, normalized customer ids. Empty, with the same columns, when var
    coupon_redemptions_path is unset. -#}

with source as (

    {{ read_input('coupon_redemptions') }}

),

renamed as (

    select
        source_row_number,
        source_file,
        {{ normalize_customer_id('customer_id') }} as customer_id,
        customer_id as customer_id_text,
        nullif(trim(coupon_id), '') as coupon_id,
        redeemed_at as redeemed_at_text,
        discount_amount as discount_amount_text,
        {{ parse_number('discount_amount') }} as discount_amount,
        {{ parse_timestamp('redeemed_at') }} as redeemed_at

    from source

)

select * from renamed
