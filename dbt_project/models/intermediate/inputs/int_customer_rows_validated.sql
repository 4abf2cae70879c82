{#- Every row of the customer input with the verdict of validation: accepted, or the reason it is not.
    Rules, in order (the first that applies is the reason):
      1. no customer id;
      2. a value that is not a number; a non-finite number; a negative count or amount;
      3. an exact duplicate (same id and same text in every column) of an earlier row;
      4. a conflicting duplicate: another valid row has the same id with other values. The kept row is the
         most complete one (fewest missing values); among equally complete rows the last in the file,
         since a later export supersedes an earlier one.
    Duplicates are found by aggregation (see exact_copies_ctes): only rows that share a hash with another
    row are compared, so the cost is one pass over the input, not a sort of it. -#}
{%- set features = customer_features() -%}
{%- set text_columns = ['customer_id'] -%}
{%- for feature in features -%}{%- do text_columns.append(feature ~ '_text') -%}{%- endfor %}

with customers as {{ inlined_cte() }} (

    -- Read again by each step that needs it: cheap, and far too many rows to hold.
    select * from {{ ref('stg_customers') }}

),

checked as (

    select
        source_row_number,
        customer_id,
        {%- for feature in features %}
        {{ feature }},
        {%- endfor %}
        case
            -- The common case first, from the parsed values: the reasons below are worked out only for
            -- the few rows that fail it.
            when customer_id is not null
                {%- for feature in features %}
                and ({{ feature }}_text is null or ({{ feature }} >= 0 and {{ is_finite(feature) }}))
                {%- endfor %}
                then null
            when customer_id is null then 'missing customer id'
            {%- for feature in features %}
            when {{ feature }} is null and nullif(trim({{ feature }}_text), '') is not null
                then 'not a number in {{ feature }}'
            when not {{ is_finite(feature) }} then 'non-finite value in {{ feature }}'
            when {{ feature }} < 0 then 'negative value in {{ feature }}'
            {%- endfor %}
        end as invalid_reason,
        {%- for feature in features %}
        cast({{ feature }} is not null as integer){{ " +" if not loop.last }}
        {%- endfor %} as present_value_count

    from customers

),

{{ exact_copies_ctes('customers', text_columns, 'exact_copies') }}

valid_originals as (

    select checked.*
    from checked
    left join exact_copies on checked.source_row_number = exact_copies.source_row_number
    where checked.invalid_reason is null and exact_copies.source_row_number is null

),

shared_ids as (

    select {{ row_hash(['customer_id']) }} as id_hash
    from valid_originals
    group by {{ row_hash(['customer_id']) }}
    having count(*) > 1

),

kept_rows as (

    -- Per contested id: the most complete row, ties the last in the file.
    select
        customer_id,
        max_by(source_row_number, present_value_count * 10000000000 + source_row_number)
            as kept_source_row_number

    from valid_originals
    where {{ row_hash(['customer_id']) }} in (select id_hash from shared_ids)
    group by customer_id
    having count(*) > 1

),

verdicts as (

    select
        checked.source_row_number,
        checked.customer_id,
        coalesce(
            checked.invalid_reason,
            case when exact_copies.source_row_number is not null then 'exact duplicate of an earlier row' end,
            case
                when kept_rows.kept_source_row_number <> checked.source_row_number
                    then 'conflicting duplicate of customer id'
            end
        ) as rejection_reason,
        case
            when checked.invalid_reason is null and exact_copies.source_row_number is not null
                then 'copy ' || cast(exact_copies.copy_number as string) || ' of the row (source row '
                    || cast(exact_copies.original_source_row_number as string) || ')'
            when checked.invalid_reason is null and kept_rows.kept_source_row_number <> checked.source_row_number
                then 'kept source row ' || cast(kept_rows.kept_source_row_number as string)
        end as rejection_detail,
        {%- for feature in features %}
        checked.{{ feature }}{{ "," if not loop.last }}
        {%- endfor %}

    from checked
    left join exact_copies on checked.source_row_number = exact_copies.source_row_number
    left join kept_rows on checked.customer_id = kept_rows.customer_id

),

final as (

    select
        source_row_number,
        customer_id,
        rejection_reason,
        rejection_detail,
        {%- for feature in features %}
        {{ feature }},
        {%- endfor %}
        rejection_reason is null as is_accepted

    from verdicts

)

select * from final
