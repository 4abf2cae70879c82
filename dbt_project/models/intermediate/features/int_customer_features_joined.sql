{#- One row per customer of any input given, one column per candidate feature (int_feature_candidates_listed) as
    observed: the customer table's accepted values and the per-input feature models' columns, joined over
    the customer universe (everyone with an accepted customer row, a valid purchase, an accepted event or
    an accepted coupon redemption before the as-of date). NULL where the customer has no value - absent
    from that input, a missing cell, or undefined for the customer - and only there: filling, transforms
    and scaling come later, from one parameter set, by the macros of preprocessing.sql. A derived ratio of
    the customer table is not stored: it is computed from its filled parts. -#}
{%- set specs = candidate_feature_specs() -%}
{%- set sources = [] -%}
{%- for input_name, cte in [('customers', 'customer_rows'), ('transactions', 'transaction_features'),
                            ('events', 'event_features'), ('coupon_redemptions', 'coupon_features')] -%}
    {%- if input_is_present(input_name) -%}{%- do sources.append({'input': input_name, 'cte': cte}) -%}{%- endif -%}
{%- endfor -%}
{%- set input_cte = {} -%}
{%- for source in sources -%}{%- do input_cte.update({source.input: source.cte}) -%}{%- endfor -%}
{#- With a single input the table is that input's feature model, column for column: a view, not a copy. -#}
{{ config(materialized='view' if sources | length == 1 else 'table') }}

with customer_rows as (

    select * from {{ ref('int_customer_rows_validated') }}
    where is_accepted

),

transaction_features as (

    select * from {{ ref('int_transactions_aggregated_to_customers') }}

),

event_features as (

    select * from {{ ref('int_events_aggregated_to_customers') }}

),

coupon_features as (

    select * from {{ ref('int_coupon_redemptions_aggregated_to_customers') }}

),

universe as (

    {%- for source in sources %}
    select customer_id from {{ source.cte }}
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
    {%- if not sources %}
    select customer_id from customer_rows
    {%- endif %}

),

joined as (

    select
        {{ 'universe' if sources | length != 1 else sources[0].cte }}.customer_id,
        {%- for spec in specs if not spec.ratio_of %}
        case
            when {{ is_finite(input_cte[spec.input] ~ '.' ~ spec.name) }}
                then cast({{ input_cte[spec.input] }}.{{ spec.name }} as double)
        end as {{ spec.name }}{{ "," if not loop.last }}
        {%- endfor %}

    {%- if sources | length == 1 %}
    from {{ sources[0].cte }}
    {%- else %}
    from universe
    {%- for source in sources %}
    left join {{ source.cte }} on universe.customer_id = {{ source.cte }}.customer_id
    {%- endfor %}
    {%- endif %}

)

select * from joined
