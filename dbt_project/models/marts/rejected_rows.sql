{#- One row per input row that did not make it into the cleaned data, with the input, the reason and the
    row as read (JSON of its text). Every row read ends up accepted (in its validation model) or here. -#}
{#- Per input: its validation and staging models, and the staged column holding each canonical column's
    text as read. -#}
{%- set customer_columns = [['customer_id', 'customer_id_text']] -%}
{%- for feature in customer_features() -%}{%- do customer_columns.append([feature, feature ~ '_text']) -%}{%- endfor -%}
{%- set inputs = [
    ('customers', 'int_customer_rows_validated', 'stg_customers', customer_columns),
    ('transactions', 'int_transaction_lines_validated', 'stg_transactions',
     [['customer_id', 'customer_id_text'], ['order_id', 'order_id'], ['order_ts', 'order_ts_text'],
      ['quantity', 'quantity_text'], ['unit_price', 'unit_price_text'], ['product_id', 'product_id'],
      ['country', 'country'], ['discount_amount', 'discount_amount_text']]),
    ('events', 'int_event_rows_validated', 'stg_events',
     [['customer_id', 'customer_id_text'], ['event_ts', 'event_ts_text'], ['event_type', 'event_type_text'],
      ['session_id', 'session_id'], ['product_id', 'product_id'], ['category', 'category'],
      ['price', 'price_text']]),
    ('coupon_redemptions', 'int_coupon_redemptions_validated', 'stg_coupon_redemptions',
     [['customer_id', 'customer_id_text'], ['redeemed_at', 'redeemed_at_text'], ['coupon_id', 'coupon_id'],
      ['discount_amount', 'discount_amount_text']]),
] -%}

with
{%- for input_name, validated, staged, raw_columns in inputs %}

{{ input_name }}_validated as (

    select * from {{ ref(validated) }}

),

{{ input_name }}_staged as (

    select * from {{ ref(staged) }}

),

{{ input_name }}_rejected as (

    select
        {{ sql_string(input_name) }} as input_name,
        staged.source_file,
        rejected.source_row_number,
        staged.customer_id_text as customer_id,
        rejected.rejection_reason,
        rejected.rejection_detail,
        {%- set pairs = [] -%}
        {%- for key, column in raw_columns -%}{%- do pairs.append([key, 'staged.' ~ column]) -%}{%- endfor %}
        {{ json_record(pairs) }} as raw_record

    from {{ input_name }}_validated as rejected
    inner join {{ input_name }}_staged as staged on rejected.source_row_number = staged.source_row_number
    where not rejected.is_accepted

),
{%- endfor %}

rejected as (

    {%- for input_name, validated, staged, raw_columns in inputs %}
    select * from {{ input_name }}_rejected
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

final as (

    select
        cast(input_name as string) as input_name,
        cast(source_file as string) as source_file,
        cast(source_row_number as bigint) as source_row_number,
        cast(customer_id as string) as customer_id,
        cast(rejection_reason as string) as rejection_reason,
        cast(rejection_detail as string) as rejection_detail,
        cast(raw_record as string) as raw_record

    from rejected

)

select * from final
