{#- One row per feature of the model version in use: the population stability index (PSI) of today's
    customers against the training customers, over the training deciles of the feature on the frozen
    standardized scale (int_segment_models_trained: bin edges and training shares). PSI = sum over bins of
    (share now - share at training) x ln(share now / share at training), shares floored at 1e-4 so that an
    empty bin does not make it infinite. Reading (macro psi_reading): below 0.1 stable, from 0.1 up to
    var drift_psi_threshold (0.25) a moderate shift, beyond it a large one (is_drifted). One aggregate pass counts every feature's bins. Values are compared with the edges
    in single precision, the precision training read them in, so that a value on an edge falls in the
    same bin as at training. -#}
{%- set features = frozen_model_features() -%}
{%- set bins = range(1, 11) | list %}

with scored as (

    select * from {{ ref('int_customer_features_standardized') }}

),

trained as (

    select * from {{ ref('int_segment_models_trained') }}
    where model_version = (select max(model_version) from {{ ref('int_segment_models_trained') }})

),

edges as (

    select
        {%- for feature in features %}
        {%- set outer = loop %}
        {%- for bin in bins[:-1] %}
        max(case when parameter = 'bin_upper_edge' and feature = {{ sql_string(feature) }} and bin = {{ bin }}
            then value end) as {{ feature }}__edge_{{ bin }},
        {%- endfor %}
        {%- endfor %}
        max(model_version) as model_version

    from trained

),

binned as (

    select
        {%- for feature in features %}
        1
        {%- for bin in bins[:-1] %}
        + case when cast(scored.{{ feature }} as float) >= edges.{{ feature }}__edge_{{ bin }} then 1 else 0 end
        {%- endfor %} as {{ feature }}__bin,
        {%- endfor %}
        edges.model_version

    from scored
    cross join edges

),

counted as (

    select
        max(model_version) as model_version,
        count(*) as customers_scored,
        {%- for feature in features %}
        {%- for bin in bins %}
        sum(case when {{ feature }}__bin = {{ bin }} then 1 else 0 end) as {{ feature }}__count_{{ bin }},
        {%- endfor %}
        {%- endfor %}
        1 as counted_row

    from binned

),

today as (

    {%- set rows = [] %}
    {%- for feature in features %}
    {%- for bin in bins %}
    {%- do rows.append([
        sql_string(feature), bin, 'counted.model_version', 'counted.customers_scored',
        'cast(counted.' ~ feature ~ '__count_' ~ bin ~ ' as double) / nullif(counted.customers_scored, 0)']) %}
    {%- endfor %}
    {%- endfor %}
    {{ unpivoted('counted', ['feature', 'bin', 'model_version', 'customers_scored', 'share'], rows) }}

),

training as (

    select feature, bin, value as share
    from trained
    where parameter = 'bin_training_share'

),

compared as (

    select
        training.feature,
        today.model_version,
        today.customers_scored,
        greatest(coalesce(today.share, 0), 1e-4) as share_now,
        greatest(training.share, 1e-4) as share_at_training,
        abs(coalesce(today.share, 0) - training.share) as share_change

    from training
    inner join today on training.feature = today.feature and training.bin = today.bin

),

measured as (

    select
        max(model_version) as model_version,
        feature,
        sum((share_now - share_at_training) * ln(share_now / share_at_training)) as psi,
        count(*) as bins,
        max(share_change) as largest_bin_share_change,
        max(customers_scored) as customers_scored

    from compared
    group by feature

),

final as (

    select
        cast(model_version as integer) as model_version,
        feature,
        psi,
        cast(bins as bigint) as bins,
        largest_bin_share_change,
        cast(customers_scored as bigint) as customers_scored,
        cast({{ number_var('drift_psi_threshold') }} as double) as psi_threshold,
        psi > {{ number_var('drift_psi_threshold') }} as is_drifted,
        {{ psi_reading('psi') }} as psi_reading

    from measured

)

select * from final
