{#- One row per customer, one column per feature of the model version in use: the value standardized with
    that version's frozen preprocessing (int_frozen_preprocessing) - a missing value gets the frozen fill
    value, then the frozen transform, fences and scaling. On a training run these are today's parameters;
    afterwards they stay fixed, so a customer whose data did not change gets exactly the same values. -#}
-- depends_on: {{ ref('int_feature_candidates') }}
{%- set features = frozen_model_features() -%}
{%- if execute and features -%}
    {%- set available = run_query("select feature from " ~ ref('int_feature_candidates')).columns[0].values() -%}
    {%- set missing = features | reject('in', available) | list -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error(
            "the segment model in use was trained on feature(s) " ~ (missing | join(', '))
            ~ " that the inputs no longer give; train a new version with --vars '{retrain: true}'") }}
    {%- endif -%}
{%- endif %}

with frozen as (

    select * from {{ ref('int_frozen_preprocessing') }}
    where model_version = (select max(model_version) from {{ ref('int_frozen_preprocessing') }})

),

feature_values as (

    select * from {{ ref('int_customer_feature_values') }}

),

filled as (

    select
        feature_values.customer_id,
        feature_values.feature,
        frozen.transform,
        frozen.lower_fence,
        frozen.upper_fence,
        frozen.scaling_center,
        frozen.scaling_scale,
        case when feature_values.is_imputed then frozen.fill_value else feature_values.feature_value end
            as model_input_value

    from feature_values
    inner join frozen on feature_values.feature = frozen.feature

),

transformed as (

    select
        customer_id,
        feature,
        scaling_center,
        scaling_scale,
        least(
            greatest(
                -- A negative value (impossible at training for a log1p feature) counts as 0.
                case when transform = 'log1p' then ln(1 + greatest(model_input_value, 0)) else model_input_value end,
                lower_fence
            ),
            upper_fence
        ) as transformed_value

    from filled

),

standardized as (

    select
        customer_id,
        feature,
        case
            when scaling_scale > 0 then (transformed_value - scaling_center) / scaling_scale
            else 0
        end as standardized_value

    from transformed

),

pivoted as (

    select
        customer_id
        {%- for feature in features %},
        max(case when feature = '{{ feature }}' then standardized_value end) as "{{ feature }}"
        {%- endfor %}

    from standardized
    group by all

)

select * from pivoted
order by customer_id
