{#- Every row of the customer input with the verdict of validation: accepted, or the reason it is not.
    Rules, in order (the first that applies is the reason):
      1. no customer id;
      2. a value that is not a number; a non-finite number; a negative count or amount;
      3. an exact duplicate (same id and same text in every column) of an earlier row;
      4. a conflicting duplicate: another valid row has the same id with other values. The kept row is the
         most complete one (fewest missing values); among equally complete rows the last in the file,
         since a later export supersedes an earlier one. -#}
{%- set features = customer_features() -%}

with customers as (

    select * from {{ ref('stg_customers') }}

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing customer id'
            {%- for feature in features %}
            when {{ feature }} is null and nullif(trim({{ feature }}_text), '') is not null
                then 'not a number in {{ feature }}'
            when not isfinite({{ feature }}) then 'non-finite value in {{ feature }}'
            when {{ feature }} < 0 then 'negative value in {{ feature }}'
            {%- endfor %}
        end as invalid_reason,
        row_number() over (
            partition by customer_id{% for feature in features %}, {{ feature }}_text{% endfor %}
            order by source_row_number
        ) as exact_copy_number,
        {%- for feature in features %}
        ({{ feature }} is not null)::integer{{ " +" if not loop.last }}
        {%- endfor %} as present_value_count

    from customers

),

ranked as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by present_value_count desc, source_row_number desc
        ) as id_rank,
        first(source_row_number) over (
            partition by customer_id
            order by present_value_count desc, source_row_number desc
        ) as kept_source_row_number

    from checked
    where invalid_reason is null and exact_copy_number = 1

),

verdicts as (

    select
        checked.*,
        coalesce(
            checked.invalid_reason,
            case when checked.exact_copy_number > 1 then 'exact duplicate of an earlier row' end,
            case when ranked.id_rank > 1 then 'conflicting duplicate of customer id' end
        ) as rejection_reason,
        case
            when checked.invalid_reason is null and checked.exact_copy_number = 1 and ranked.id_rank > 1
                then 'kept source row ' || ranked.kept_source_row_number
        end as rejection_detail

    from checked
    left join ranked on checked.source_row_number = ranked.source_row_number

),

final as (

    select
        source_row_number,
        source_file,
        customer_id,
        customer_id_text,
        {%- for feature in features %}
        {{ feature }}_text,
        {{ feature }},
        {%- endfor %}
        rejection_reason,
        rejection_detail,
        rejection_reason is null as is_accepted

    from verdicts

)

select * from final
