{#- One row per segment of the model version in use and candidate feature: the segment's centroid in
    standardized units (its mean standardized value: the z-score lift against all customers, whose mean is
    about 0), its mean of the winsorised values in the feature's own units (an absurd value cannot pull it
    further than the fence it was clipped to), its median and its raw mean (filled values, not clipped),
    how many of its customers' values were clipped and what share of them had a value at all (observed, not
    filled: a segment of customers absent from an input says nothing about that input's features), beside
    the same for all customers. Preprocessed with the parameters of the version in use
    (int_feature_parameters_applied), so a profile describes what the model saw. All statistics come from
    one aggregate pass over the wide feature table (grouping sets: per segment and overall). -#}
{%- set specs = candidate_feature_specs() %}

with features as (

    select * from {{ ref('int_customer_features_joined') }}

),

assignments as (

    select * from {{ ref('int_customers_segmented') }}

),

applied as (

    select * from {{ ref('int_feature_parameters_applied') }}

),

parameters as (

    {{ parameters_row('applied', specs | map(attribute='name') | list) }}

),

aggregated as (

    select
        assignments.segment_id,
        count(*) as customers,
        {%- for spec in specs %}
        avg({{ standardized_feature(spec) }}) as {{ spec.name }}__centroid_z,
        avg({{ winsorised_feature_value(spec) }}) as {{ spec.name }}__mean_value,
        median({{ filled_feature(spec) }}) as {{ spec.name }}__median_value,
        avg({{ filled_feature(spec) }}) as {{ spec.name }}__raw_mean_value,
        sum(case when {{ is_clipped_feature(spec) }} then 1 else 0 end) as {{ spec.name }}__clipped_count,
        {#- A flag's filled 0 is its meaning (the input does not have the customer): always observed. #}
        {%- if spec.kind == 'flag' %}
        cast(1 as double) as {{ spec.name }}__observed_share{{ "," if not loop.last }}
        {%- else %}
        avg(case when {{ is_filled_feature(spec) }} then 0 else 1 end) as {{ spec.name }}__observed_share{{ "," if not loop.last }}
        {%- endif %}
        {%- endfor %}

    from features
    inner join assignments on features.customer_id = assignments.customer_id
    cross join parameters
    group by grouping sets ((assignments.segment_id), ())

),

per_segment as (

    select * from aggregated where segment_id is not null

),

overall as (

    select * from aggregated where segment_id is null

),

final as (

    {%- set rows = [] %}
    {%- for spec in specs %}
    {%- do rows.append([
        'per_segment.segment_id',
        sql_string(spec.name),
        'per_segment.customers',
        'per_segment.' ~ spec.name ~ '__centroid_z',
        'per_segment.' ~ spec.name ~ '__mean_value',
        'per_segment.' ~ spec.name ~ '__median_value',
        'per_segment.' ~ spec.name ~ '__raw_mean_value',
        'per_segment.' ~ spec.name ~ '__clipped_count',
        'per_segment.' ~ spec.name ~ '__observed_share',
        'per_segment.' ~ spec.name ~ '__observed_share >= 0.5',
        'overall.' ~ spec.name ~ '__mean_value',
        'overall.' ~ spec.name ~ '__median_value',
        'overall.' ~ spec.name ~ '__raw_mean_value',
        'overall.' ~ spec.name ~ '__clipped_count',
    ]) %}
    {%- endfor %}
    {#- is_observed: the one rule of what describes a segment, a feature that at least half its customers
        have. One row per segment and feature (unpivoted: on Spark the aggregate is computed once, not once
        per feature). #}
    {{ unpivoted(
        'per_segment cross join overall',
        ['segment_id', 'feature', 'customers', 'centroid_z', 'mean_value', 'median_value', 'raw_mean_value',
         'clipped_count', 'observed_share', 'is_observed', 'overall_mean_value', 'overall_median_value',
         'overall_raw_mean_value', 'overall_clipped_count'],
        rows) }}

)

select * from final
