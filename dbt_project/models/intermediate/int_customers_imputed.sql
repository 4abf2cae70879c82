{#- One row per accepted customer. A missing value is replaced by the feature's median over accepted
    customers (0 when the feature is empty for everyone) and flagged in is_<feature>_imputed. The median,
    not the mean, because behaviour features are skewed. -#}
{%- set features = customer_features() -%}

with accepted as (

    select * from {{ ref('int_customer_rows_validated') }}
    where is_accepted

),

medians as (

    select
        {%- for feature in features %}
        median({{ feature }}) as {{ feature }}_median{{ "," if not loop.last }}
        {%- endfor %}

    from accepted

),

imputed as (

    select
        accepted.customer_id,
        accepted.source_row_number,
        {%- for feature in features %}
        coalesce(accepted.{{ feature }}, medians.{{ feature }}_median, 0) as {{ feature }},
        {%- endfor %}
        {%- for feature in features %}
        accepted.{{ feature }} is null as is_{{ feature }}_imputed{{ "," if not loop.last }}
        {%- endfor %}

    from accepted
    cross join medians

)

select * from imputed
