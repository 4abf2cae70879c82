{#- One row per redemption of the coupon_redemptions input with the verdict of validation.
    A redemption is rejected for the first of these that applies (rejection_reason): missing customer id;
    missing / unparseable redeemed_at; unparseable, non-finite or negative discount_amount; an exact
    duplicate (same text in every column read) of an earlier redemption (found by aggregation,
    exact_copies_ctes). -#}
{%- set compared = ['customer_id_text', 'redeemed_at_text', 'coupon_id', 'discount_amount_text'] %}

with redemptions as {{ inlined_cte() }} (

    -- Read again by each step that needs it: cheap, and far too many rows to hold.
    select * from {{ ref('stg_coupon_redemptions') }}

),

checked as (

    select
        source_row_number,
        customer_id,
        coupon_id,
        case
            -- The common case first; the reasons below only for the rows that fail it.
            when customer_id is not null and redeemed_at is not null
                and (discount_amount_text is null or (discount_amount >= 0 and {{ is_finite('discount_amount') }}))
                then null
            when customer_id is null then 'missing customer id'
            when nullif(trim(redeemed_at_text), '') is null then 'missing redeemed_at'
            when redeemed_at is null then 'not a timestamp in redeemed_at'
            when discount_amount is null and nullif(trim(discount_amount_text), '') is not null
                then 'not a number in discount_amount'
            when not {{ is_finite('discount_amount') }} then 'non-finite value in discount_amount'
            when discount_amount < 0 then 'negative value in discount_amount'
        end as invalid_reason,
        discount_amount,
        redeemed_at

    from redemptions

),

{{ exact_copies_ctes('redemptions', compared, 'exact_copies') }}

verdicts as (

    select
        checked.*,
        coalesce(
            checked.invalid_reason,
            case when exact_copies.source_row_number is not null then 'exact duplicate of an earlier redemption' end
        ) as rejection_reason,
        case
            when checked.invalid_reason is null and exact_copies.source_row_number is not null
                then 'copy ' || cast(exact_copies.copy_number as string) || ' of the redemption (source row '
                    || cast(exact_copies.original_source_row_number as string) || ')'
        end as rejection_detail

    from checked
    left join exact_copies on checked.source_row_number = exact_copies.source_row_number

),

final as (

    select
        source_row_number,
        customer_id,
        coupon_id,
        rejection_reason,
        rejection_detail,
        discount_amount,
        rejection_reason is null as is_accepted,
        redeemed_at

    from verdicts

)

select * from final
