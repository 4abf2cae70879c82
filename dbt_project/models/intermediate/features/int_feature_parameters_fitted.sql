{#- One row per candidate feature: the preprocessing parameters fitted on today's customers - the
    candidate parameter set that a training run freezes as a model version (int_feature_parameters_frozen) -
    and the statistics of today's values they come from. Every statistic is a column aggregate over the
    wide table int_customer_features_joined (one scan per step below), never a customer x feature table.
      fill_value      a customer without a value: 0 (fill rule zero: no activity), the largest observed value
                      (max: a "days since" feature), or the median of the observed values (median: a
                      customer-table feature); a derived ratio: the ratio of its parts' fill values
      transform       log1p for a behaviour feature (count, amount, days) with no negative value whose
                      skewness exceeds var log_transform_min_skewness; identity otherwise
      fences          on the transformed scale: quartiles -/+ var outlier_iqr_multiplier x IQR; where the IQR
                      is 0 the 1st and 99th percentiles, so that a concentrated feature is not flattened.
                      A value beyond a fence is clipped to it (winsorised).
      scaling         mean (center) and population standard deviation (scale) of the winsorised values;
                      scale 0 marks a constant feature, standardized to 0.
    Skewness is the adjusted Fisher-Pearson coefficient, computed on the values divided by their largest
    magnitude (it does not depend on scale), so that huge values (1e300) cannot overflow its sums. -#}
{%- set specs = candidate_feature_specs() -%}
{%- set base_specs = specs | rejectattr('ratio_of') | list -%}
{%- set iqr_multiplier = number_var('outlier_iqr_multiplier') -%}
{%- set min_skewness = number_var('log_transform_min_skewness') %}

with features as (

    select * from {{ ref('int_customer_features_joined') }}

),

candidates as (

    select * from {{ ref('int_feature_candidates_listed') }}

),

observed as (

    select
        {%- for spec in base_specs %}
        {%- if spec.fill == 'median' %}
        median({{ spec.name }}) as {{ spec.name }}__observed_median,
        {%- endif %}
        {%- endfor %}
        count(*) as customers

    from features

),

fills as (

    select
        {%- for spec in base_specs %}
        {%- if spec.fill == 'median' %}
        coalesce(observed.{{ spec.name }}__observed_median, 0) as {{ spec.name }}__fill_value,
        {%- else %}
        cast(0 as double) as {{ spec.name }}__fill_value,
        {%- endif %}
        {%- endfor %}
        observed.customers

    from observed

),

fill_parameters as (

    select
        fills.*
        {%- for spec in specs if spec.ratio_of %},
        coalesce(
            fills.{{ spec.ratio_of[0] }}__fill_value / nullif(fills.{{ spec.ratio_of[1] }}__fill_value, 0), 0
        ) as {{ spec.name }}__fill_value
        {%- endfor %}

    from fills

),

magnitudes as (

    -- The largest magnitude of each filled feature: the divisor that keeps the moments in range.
    select
        {%- for spec in specs %}
        coalesce(nullif(max(abs({{ filled_feature(spec, 'fill_parameters') }})), 0), 1) as {{ spec.name }}__magnitude,
        min({{ filled_feature(spec, 'fill_parameters') }}) as {{ spec.name }}__min_value,
        max({{ filled_feature(spec, 'fill_parameters') }}) as {{ spec.name }}__max_value,
        sum(case when {{ is_filled_feature(spec) }} then 1 else 0 end) as {{ spec.name }}__filled_count{{ "," if not loop.last }}
        {%- endfor %}

    from features
    cross join fill_parameters

),

filled_moments as (

    select
        {%- for spec in specs %}
        {%- set scaled = '(' ~ filled_feature(spec, 'fill_parameters') ~ ') / magnitudes.' ~ spec.name ~ '__magnitude' %}
        avg({{ scaled }}) as {{ spec.name }}__m1,
        avg(power({{ scaled }}, 2)) as {{ spec.name }}__m2,
        avg(power({{ scaled }}, 3)) as {{ spec.name }}__m3,
        stddev_pop({{ scaled }}) as {{ spec.name }}__scaled_stddev,
        {{ quantiles(filled_feature(spec, 'fill_parameters'), [0.25, 0.5, 0.75]) }} as {{ spec.name }}__quartiles{{ "," if not loop.last }}
        {%- endfor %}

    from features
    cross join fill_parameters
    cross join magnitudes

),

skewness as (

    select
        {%- for spec in specs %}
        {%- set variance = '(filled_moments.' ~ spec.name ~ '__m2 - power(filled_moments.' ~ spec.name ~ '__m1, 2))' %}
        {%- set third = '(filled_moments.' ~ spec.name ~ '__m3 - 3 * filled_moments.' ~ spec.name ~ '__m1 * filled_moments.'
            ~ spec.name ~ '__m2 + 2 * power(filled_moments.' ~ spec.name ~ '__m1, 3))' %}
        case
            -- A constant (or nearly constant) feature has no skewness: 0.
            when {{ variance }} > 1e-12 and fills.customers > 2
                then {{ third }} / power({{ variance }}, 1.5)
                    * sqrt(fills.customers * (fills.customers - 1.0)) / (fills.customers - 2.0)
            else 0
        end as {{ spec.name }}__skewness{{ "," if not loop.last }}
        {%- endfor %}

    from filled_moments
    cross join fills

),

transform_parameters as (

    select
        fill_parameters.*
        {%- for spec in specs %},
        case
            when {{ sql_string(spec.kind) }} = 'behaviour'
                and magnitudes.{{ spec.name }}__min_value >= 0
                and skewness.{{ spec.name }}__skewness > {{ min_skewness }}
                then 'log1p'
            else 'identity'
        end as {{ spec.name }}__transform
        {%- endfor %}

    from fill_parameters
    cross join magnitudes
    cross join skewness

),

transformed_quantiles as (

    select
        {%- for spec in specs %}
        {{ quantiles(transformed_feature(spec, 'transform_parameters'), [0.01, 0.25, 0.75, 0.99]) }}
            as {{ spec.name }}__transformed_quantiles{{ "," if not loop.last }}
        {%- endfor %}

    from features
    cross join transform_parameters

),

fence_parameters as (

    select
        transform_parameters.*
        {%- for spec in specs %}
        {%- set q = 'transformed_quantiles.' ~ spec.name ~ '__transformed_quantiles' %},
        case
            when {{ list_element(q, 3) }} > {{ list_element(q, 2) }}
                then {{ list_element(q, 2) }} - {{ iqr_multiplier }} * ({{ list_element(q, 3) }} - {{ list_element(q, 2) }})
            else {{ list_element(q, 1) }}
        end as {{ spec.name }}__lower_fence,
        case
            when {{ list_element(q, 3) }} > {{ list_element(q, 2) }}
                then {{ list_element(q, 3) }} + {{ iqr_multiplier }} * ({{ list_element(q, 3) }} - {{ list_element(q, 2) }})
            else {{ list_element(q, 4) }}
        end as {{ spec.name }}__upper_fence
        {%- endfor %}

    from transform_parameters
    cross join transformed_quantiles

),

winsorised_moments as (

    select
        {%- for spec in specs %}
        avg({{ winsorised_feature(spec, 'fence_parameters') }}) as {{ spec.name }}__scaling_center,
        coalesce(stddev_pop({{ winsorised_feature(spec, 'fence_parameters') }}), 0) as {{ spec.name }}__scaling_scale,
        sum(case when {{ is_clipped_feature(spec, 'fence_parameters') }} then 1 else 0 end)
            as {{ spec.name }}__clipped_count{{ "," if not loop.last }}
        {%- endfor %}

    from features
    cross join fence_parameters

),

per_feature as (

    {%- set rows = [] %}
    {%- for spec in specs %}
    {%- do rows.append([
        sql_string(spec.name),
        'fills.customers',
        'magnitudes.' ~ spec.name ~ '__filled_count',
        'winsorised_moments.' ~ spec.name ~ '__clipped_count',
        'fence_parameters.' ~ spec.name ~ '__fill_value',
        'fence_parameters.' ~ spec.name ~ '__transform',
        'fence_parameters.' ~ spec.name ~ '__lower_fence',
        'fence_parameters.' ~ spec.name ~ '__upper_fence',
        'winsorised_moments.' ~ spec.name ~ '__scaling_center',
        'winsorised_moments.' ~ spec.name ~ '__scaling_scale',
        'filled_moments.' ~ spec.name ~ '__m1 * magnitudes.' ~ spec.name ~ '__magnitude',
        'coalesce(filled_moments.' ~ spec.name ~ '__scaled_stddev, 0) * magnitudes.' ~ spec.name ~ '__magnitude',
        'magnitudes.' ~ spec.name ~ '__min_value',
        list_element('filled_moments.' ~ spec.name ~ '__quartiles', 1),
        list_element('filled_moments.' ~ spec.name ~ '__quartiles', 2),
        list_element('filled_moments.' ~ spec.name ~ '__quartiles', 3),
        'magnitudes.' ~ spec.name ~ '__max_value',
        'skewness.' ~ spec.name ~ '__skewness',
    ]) %}
    {%- endfor %}
    {{ unpivoted(
        'fills cross join magnitudes cross join filled_moments cross join skewness cross join fence_parameters '
        ~ 'cross join winsorised_moments',
        ['feature', 'customers', 'filled_count', 'clipped_count', 'fill_value', 'transform', 'lower_fence',
         'upper_fence', 'scaling_center', 'scaling_scale', 'mean_value', 'stddev_value', 'min_value', 'p25_value',
         'median_value', 'p75_value', 'max_value', 'skewness'],
        rows) }}

),

final as (

    select
        per_feature.feature,
        candidates.input_name,
        candidates.feature_kind,
        candidates.fill_rule,
        per_feature.transform,
        cast(per_feature.customers as bigint) as customers,
        cast(per_feature.filled_count as bigint) as filled_count,
        cast(per_feature.clipped_count as bigint) as clipped_count,
        cast(per_feature.fill_value as double) as fill_value,
        cast(per_feature.lower_fence as double) as lower_fence,
        cast(per_feature.upper_fence as double) as upper_fence,
        cast(per_feature.scaling_center as double) as scaling_center,
        cast(per_feature.scaling_scale as double) as scaling_scale,
        cast(per_feature.mean_value as double) as mean_value,
        cast(per_feature.stddev_value as double) as stddev_value,
        cast(per_feature.min_value as double) as min_value,
        cast(per_feature.p25_value as double) as p25_value,
        cast(per_feature.median_value as double) as median_value,
        cast(per_feature.p75_value as double) as p75_value,
        cast(per_feature.max_value as double) as max_value,
        cast(per_feature.skewness as double) as skewness,
        candidates.candidate_order

    from per_feature
    inner join candidates on per_feature.feature = candidates.feature

)

select * from final
order by candidate_order
