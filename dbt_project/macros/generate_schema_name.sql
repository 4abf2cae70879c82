{#- Layers land in plain schemas (staging, intermediate, reference); marts in the main schema, where BI
    tools look first. dbt's default would prefix the target schema ("main_staging"). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
