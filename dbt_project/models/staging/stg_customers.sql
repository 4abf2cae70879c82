{#- One row per row of the customer-level input: canonical names, parsed numbers beside their raw text
    (so validation can tell "missing" from "not a number"), normalized ids. -#}
{%- set features = customer_features() -%}

with source as (

    {{ read_input('customers') }}

),

renamed as (

    select
        source_row_number,
        {{ normalize_customer_id('customer_id') }} as customer_id,
        customer_id as customer_id_text,
        source_file,
        {%- for feature in features %}
        {{ feature }} as {{ feature }}_text,
        {%- endfor %}
        {%- for feature in features %}
        {{ parse_number(feature) }} as {{ feature }}{{ "," if not loop.last }}
        {%- endfor %}

    from source

)

select * from renamed
