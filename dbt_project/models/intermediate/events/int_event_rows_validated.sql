{#- One row per event of the events input with the verdict of validation and the canonical event type.
    An event is rejected for the first of these that applies (rejection_reason): missing customer id;
    missing / unparseable event_ts; missing event type; unparseable, non-finite or negative price; an exact
    duplicate (same text in every column read) of an earlier event.
    event_type: the written type, lowercased and trimmed, looked up in var event_type_map (data name ->
    view, cart, remove_from_cart or purchase); any other type is 'other' (kept and counted). -#}
{%- set canonical_types = ['view', 'cart', 'remove_from_cart', 'purchase'] -%}
{%- set type_map = var('event_type_map', {}) or {} -%}
{%- for name, canonical in type_map.items() -%}
    {%- if canonical not in canonical_types -%}
        {{ exceptions.raise_compiler_error(
            "var event_type_map maps '" ~ name ~ "' to '" ~ canonical ~ "'; map event names to one of "
            ~ (canonical_types | join(', '))) }}
    {%- endif -%}
{%- endfor -%}

with events as (

    select * from {{ ref('stg_events') }}

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing customer id'
            when nullif(trim(event_ts_text), '') is null then 'missing event_ts'
            when event_ts is null then 'not a timestamp in event_ts'
            when nullif(trim(event_type_text), '') is null then 'missing event type'
            when price is null and nullif(trim(price_text), '') is not null then 'not a number in price'
            when not isfinite(price) then 'non-finite value in price'
            when price < 0 then 'negative value in price'
        end as invalid_reason,
        case lower(trim(event_type_text))
            {%- for name, canonical in type_map.items() %}
            when {{ sql_string(name | string | lower | trim) }} then {{ sql_string(canonical) }}
            {%- endfor %}
            else 'other'
        end as mapped_event_type,
        row_number() over (
            partition by
                customer_id_text, event_ts_text, event_type_text, session_id, product_id, category, price_text
            order by source_row_number
        ) as exact_copy_number

    from events

),

final as (

    select
        source_row_number,
        source_file,
        customer_id,
        customer_id_text,
        session_id,
        product_id,
        category,
        event_type_text,
        case when invalid_reason is null and exact_copy_number = 1 then mapped_event_type end as event_type,
        coalesce(
            invalid_reason,
            case when exact_copy_number > 1 then 'exact duplicate of an earlier event' end
        ) as rejection_reason,
        case
            when invalid_reason is null and exact_copy_number > 1
                then 'copy ' || exact_copy_number || ' of the event'
        end as rejection_detail,
        event_ts_text,
        price_text,
        price,
        invalid_reason is null and exact_copy_number = 1 as is_accepted,
        event_ts

    from checked

)

select * from final
