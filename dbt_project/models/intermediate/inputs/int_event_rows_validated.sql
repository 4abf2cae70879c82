{#- One row per event of the events input with the verdict of validation and the canonical event type.
    An event is rejected for the first of these that applies (rejection_reason): missing customer id;
    missing / unparseable event_ts; missing event type; unparseable, non-finite or negative price; an exact
    duplicate (same text in every column read) of an earlier event.
    event_type: the written type, lowercased and trimmed, looked up in var event_type_map (data name ->
    view, cart, remove_from_cart or purchase); any other type is 'other' (kept and counted).
    Exact duplicates are found by aggregation (exact_copies_ctes): only events sharing a hash with another
    are compared, so 50 million events are never sorted for it. -#}
{%- set canonical_types = ['view', 'cart', 'remove_from_cart', 'purchase'] -%}
{%- set type_map = var('event_type_map', {}) or {} -%}
{%- for name, canonical in type_map.items() -%}
    {%- if canonical not in canonical_types -%}
        {{ exceptions.raise_compiler_error(
            "var event_type_map maps '" ~ name ~ "' to '" ~ canonical ~ "'; map event names to one of "
            ~ (canonical_types | join(', '))) }}
    {%- endif -%}
{%- endfor -%}
{%- set compared = ['customer_id_text', 'event_ts_text', 'event_type_text', 'session_id', 'product_id',
                    'category', 'price_text'] %}

with events as {{ inlined_cte() }} (

    -- Read again by each step that needs it: cheap, and far too many rows to hold.
    select * from {{ ref('stg_events') }}

),

checked as (

    select
        source_row_number,
        customer_id,
        session_id,
        product_id,
        category,
        case
            -- The common case first, from the parsed values: the reasons below are worked out only for
            -- the few rows that fail it.
            when customer_id is not null and event_ts is not null and trim(event_type_text) <> ''
                and (price_text is null or (price >= 0 and {{ is_finite('price') }}))
                then null
            when customer_id is null then 'missing customer id'
            when nullif(trim(event_ts_text), '') is null then 'missing event_ts'
            when event_ts is null then 'not a timestamp in event_ts'
            when nullif(trim(event_type_text), '') is null then 'missing event type'
            when price is null and nullif(trim(price_text), '') is not null then 'not a number in price'
            when not {{ is_finite('price') }} then 'non-finite value in price'
            when price < 0 then 'negative value in price'
        end as invalid_reason,
        case lower(trim(event_type_text))
            {%- for name, canonical in type_map.items() %}
            when {{ sql_string(name | string | lower | trim) }} then {{ sql_string(canonical) }}
            {%- endfor %}
            else 'other'
        end as mapped_event_type,
        price,
        event_ts

    from events

),

{{ exact_copies_ctes('events', compared, 'exact_copies') }}

verdicts as (

    select
        checked.*,
        coalesce(
            checked.invalid_reason,
            case when exact_copies.source_row_number is not null then 'exact duplicate of an earlier event' end
        ) as rejection_reason,
        case
            when checked.invalid_reason is null and exact_copies.source_row_number is not null
                then 'copy ' || cast(exact_copies.copy_number as string) || ' of the event (source row '
                    || cast(exact_copies.original_source_row_number as string) || ')'
        end as rejection_detail

    from checked
    left join exact_copies on checked.source_row_number = exact_copies.source_row_number

),

final as (

    select
        source_row_number,
        customer_id,
        session_id,
        product_id,
        category,
        case when rejection_reason is null then mapped_event_type end as event_type,
        rejection_reason,
        rejection_detail,
        price,
        rejection_reason is null as is_accepted,
        event_ts

    from verdicts

)

select * from final
