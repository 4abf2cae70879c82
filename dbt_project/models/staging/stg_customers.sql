{#- One row per row of the customer-level input: canonical names, parsed numbers beside their raw text
    (so validation can tell "missing" from "not a number"), normalized ids. -#}
{%- set features = customer_features() -%}

with source as (

    {{ read_input('customers', ['customer_id'] + features) }}

),

renamed as (

    select
        source_row_number,
        source_file,
        {{ normalize_customer_id('customer_id') }} as customer_id,
        customer_id as customer_id_text,
        {%- for feature in features %}
        {{ feature }} as {{ feature }}_text,
        {{ parse_number(feature) }} as {{ feature }},
        {%- endfor %}

    from source

)

select * from renamed
