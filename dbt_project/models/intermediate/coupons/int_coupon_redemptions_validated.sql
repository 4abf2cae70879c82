{#- One row per redemption of the coupon_redemptions input with the verdict of validation.
    A redemption is rejected for the first of these that applies (rejection_reason): missing customer id;
    missing / unparseable redeemed_at; unparseable, non-finite or negative discount_amount; an exact
    duplicate (same text in every column read) of an earlier redemption. -#}

with redemptions as (

    select * from {{ ref('stg_coupon_redemptions') }}

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing customer id'
            when nullif(trim(redeemed_at_text), '') is null then 'missing redeemed_at'
            when redeemed_at is null then 'not a timestamp in redeemed_at'
            when discount_amount is null and nullif(trim(discount_amount_text), '') is not null
                then 'not a number in discount_amount'
            when not isfinite(discount_amount) then 'non-finite value in discount_amount'
            when discount_amount < 0 then 'negative value in discount_amount'
        end as invalid_reason,
        row_number() over (
            partition by customer_id_text, redeemed_at_text, coupon_id, discount_amount_text
            order by source_row_number
        ) as exact_copy_number

    from redemptions

),

final as (

    select
        source_row_number,
        source_file,
        customer_id,
        customer_id_text,
        coupon_id,
        coalesce(
            invalid_reason,
            case when exact_copy_number > 1 then 'exact duplicate of an earlier redemption' end
        ) as rejection_reason,
        case
            when invalid_reason is null and exact_copy_number > 1
                then 'copy ' || exact_copy_number || ' of the redemption'
        end as rejection_detail,
        redeemed_at_text,
        discount_amount_text,
        discount_amount,
        invalid_reason is null and exact_copy_number = 1 as is_accepted,
        redeemed_at

    from checked

)

select * from final
