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
    line_value = |quantity| x unit_price (currency units, > 0).
    Duplicates and purchasers are found by aggregation (exact_copies_ctes; a group by customer), never by
    a window over every line. -#}
{%- set prefix = var('cancellation_order_prefix', 'C') -%}
{%- set compared = ['customer_id_text', 'order_id', 'order_ts_text', 'quantity_text', 'unit_price_text',
                    'product_id', 'country', 'discount_amount_text'] %}

with lines as {{ inlined_cte() }} (

    -- Read again by each step that needs it: cheap, and far too many rows to hold.
    select * from {{ ref('stg_transactions') }}

),

checked as (

    select
        source_row_number,
        customer_id,
        order_id,
        product_id,
        country,
        case
            -- The common case first, from the parsed values: the reasons below are worked out only for
            -- the few lines that fail it.
            when customer_id is not null and order_id is not null and order_ts is not null
                and quantity <> 0 and {{ is_finite('quantity') }} and unit_price > 0 and {{ is_finite('unit_price') }}
                and (discount_amount_text is null or (discount_amount >= 0 and {{ is_finite('discount_amount') }}))
                then null
            when customer_id is null then 'missing customer id'
            when order_id is null then 'missing order id'
            when nullif(trim(order_ts_text), '') is null then 'missing order_ts'
            when order_ts is null then 'not a timestamp in order_ts'
            {%- for column in ['quantity', 'unit_price'] %}
            when nullif(trim({{ column }}_text), '') is null then 'missing {{ column }}'
            when {{ column }} is null then 'not a number in {{ column }}'
            when not {{ is_finite(column) }} then 'non-finite value in {{ column }}'
            {%- endfor %}
            when discount_amount is null and nullif(trim(discount_amount_text), '') is not null
                then 'not a number in discount_amount'
            when not {{ is_finite('discount_amount') }} then 'non-finite value in discount_amount'
            when discount_amount < 0 then 'negative value in discount_amount'
            when quantity = 0 then 'zero quantity'
            when unit_price <= 0 then 'zero or negative unit price'
        end as invalid_reason,
        case
            when {% if prefix %}upper(left(order_id, {{ prefix | length }})) = upper({{ sql_string(prefix) }}) or {% endif %}quantity < 0
                then 'return'
            else 'purchase'
        end as line_type,
        quantity,
        unit_price,
        discount_amount,
        order_ts

    from lines

),

{{ exact_copies_ctes('lines', compared, 'exact_copies') }}

originals as (

    select checked.*
    from checked
    left join exact_copies on checked.source_row_number = exact_copies.source_row_number
    where exact_copies.source_row_number is null

),

purchasers as (

    select customer_id
    from originals
    where invalid_reason is null and line_type = 'purchase'
    group by customer_id

),

verdicts as (

    select
        checked.*,
        coalesce(
            checked.invalid_reason,
            case when exact_copies.source_row_number is not null then 'exact duplicate of an earlier line' end,
            case when purchasers.customer_id is null then 'return by a customer without a valid purchase' end
        ) as rejection_reason,
        case
            when checked.invalid_reason is null and exact_copies.source_row_number is not null
                then 'copy ' || cast(exact_copies.copy_number as string) || ' of the line (source row '
                    || cast(exact_copies.original_source_row_number as string) || ')'
        end as rejection_detail

    from checked
    left join exact_copies on checked.source_row_number = exact_copies.source_row_number
    left join purchasers on checked.customer_id = purchasers.customer_id

),

final as (

    select
        source_row_number,
        customer_id,
        order_id,
        product_id,
        country,
        case when rejection_reason is null then line_type end as line_type,
        rejection_reason,
        rejection_detail,
        quantity,
        unit_price,
        discount_amount,
        abs(quantity) * unit_price as line_value,
        rejection_reason is null as is_accepted,
        order_ts

    from verdicts

)

select * from final
