{#- One row per line of the transactions input with the verdict of validation.
    A line is rejected for the first of these that applies (rejection_reason):
      1. missing customer id;  2. missing order id;  3. missing / unparseable order_ts;
      4. missing, unparseable or non-finite quantity or unit_price; unparseable, non-finite or negative
         discount_amount;
      5. zero quantity;  6. zero or negative unit price (no purchase, no valued return);
      7. an exact duplicate (same text in every column read) of an earlier line;
      8. a return line of a customer without any valid purchase line.
    Accepted lines have a line_type:
      return   - a cancellation: order_id starts with var cancellation_order_prefix (case-insensitive)
                 or the quantity is negative;
      purchase - every other accepted line, i.e. customer id, quantity > 0 and unit_price > 0.
    line_value = |quantity| x unit_price (currency units, > 0). -#}
{%- set prefix = var('cancellation_order_prefix', 'C') -%}

with lines as (

    select * from {{ ref('stg_transactions') }}

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing customer id'
            when order_id is null then 'missing order id'
            when nullif(trim(order_ts_text), '') is null then 'missing order_ts'
            when order_ts is null then 'not a timestamp in order_ts'
            {%- for column in ['quantity', 'unit_price'] %}
            when nullif(trim({{ column }}_text), '') is null then 'missing {{ column }}'
            when {{ column }} is null then 'not a number in {{ column }}'
            when not isfinite({{ column }}) then 'non-finite value in {{ column }}'
            {%- endfor %}
            when discount_amount is null and nullif(trim(discount_amount_text), '') is not null
                then 'not a number in discount_amount'
            when not isfinite(discount_amount) then 'non-finite value in discount_amount'
            when discount_amount < 0 then 'negative value in discount_amount'
            when quantity = 0 then 'zero quantity'
            when unit_price <= 0 then 'zero or negative unit price'
        end as invalid_reason,
        case
            when {% if prefix %}starts_with(upper(order_id), upper({{ sql_string(prefix) }})) or {% endif %}quantity < 0
                then 'return'
            else 'purchase'
        end as line_type,
        row_number() over (
            partition by
                customer_id_text, order_id, order_ts_text, quantity_text, unit_price_text, product_id, country,
                discount_amount_text
            order by source_row_number
        ) as exact_copy_number

    from lines

),

with_purchasers as (

    select
        *,
        bool_or(invalid_reason is null and exact_copy_number = 1 and line_type = 'purchase')
            over (partition by customer_id) as has_valid_purchase

    from checked

),

verdicts as (

    select
        *,
        coalesce(
            invalid_reason,
            case when exact_copy_number > 1 then 'exact duplicate of an earlier line' end,
            case when not has_valid_purchase then 'return by a customer without a valid purchase' end
        ) as rejection_reason

    from with_purchasers

),

final as (

    select
        source_row_number,
        source_file,
        customer_id,
        customer_id_text,
        order_id,
        product_id,
        country,
        case when rejection_reason is null then line_type end as line_type,
        rejection_reason,
        case
            when exact_copy_number > 1 and invalid_reason is null
                then 'copy ' || exact_copy_number || ' of the line'
        end as rejection_detail,
        order_ts_text,
        quantity_text,
        unit_price_text,
        discount_amount_text,
        quantity,
        unit_price,
        discount_amount,
        abs(quantity) * unit_price as line_value,
        rejection_reason is null as is_accepted,
        order_ts

    from verdicts

)

select * from final
