{#- One row per model version, segment and model feature: the frozen centroid that scores customers, in
    the version's standardized units and in the feature's own units (the version's preprocessing undone),
    and - for comparing versions - in the standardized units of the version in use (the feature-unit value
    preprocessed with the version in use's parameters by the one preprocessing definition). On the version
    in use's rows, the previous version's centre of the same segment in those units and how far the
    coordinate moved at the last retrain. -#}
{%- set features = frozen_model_features() -%}
{%- set plain_specs = [] -%}
{%- for feature in features -%}{%- do plain_specs.append({'name': feature, 'ratio_of': none}) -%}{%- endfor %}

with trained as (

    select * from {{ ref('int_segment_models_trained') }}

),

frozen as (

    select * from {{ ref('int_feature_parameters_frozen') }}

),

applied as (

    select * from {{ ref('int_feature_parameters_applied') }}

),

segments as (

    select * from {{ ref('segment_model_segments') }}

),

centroids as (

    select
        trained.model_version,
        trained.segment_id,
        trained.feature,
        trained.value as centroid_z,
        case
            when frozen.transform = 'log1p'
                then exp(trained.value * frozen.scaling_scale + frozen.scaling_center) - 1
            else trained.value * frozen.scaling_scale + frozen.scaling_center
        end as centroid_value

    from trained
    inner join frozen
        on trained.model_version = frozen.model_version
        and trained.feature = frozen.feature
    where trained.parameter = 'centroid'

),

{%- if features %}

centroids_wide as (

    -- A pivot of the small version x segment x feature table, for the preprocessing macros.
    select
        model_version,
        segment_id,
        {%- for feature in features %}
        max(case when feature = {{ sql_string(feature) }} then centroid_value end) as {{ feature }}{{ "," if not loop.last }}
        {%- endfor %}

    from centroids
    group by model_version, segment_id

),

parameters as (

    {{ parameters_row('applied', features) }}

),

in_current_version as (

    {%- for spec in plain_specs %}
    select
        centroids_wide.model_version,
        centroids_wide.segment_id,
        {{ sql_string(spec.name) }} as feature,
        {{ standardized_feature(spec, 'parameters', 'centroids_wide') }} as centroid_z_in_current_version
    from centroids_wide
    cross join parameters
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

{%- else %}

in_current_version as (

    select model_version, segment_id, feature, cast(null as double) as centroid_z_in_current_version
    from centroids
    where 1 = 0

),

{%- endif %}

registry as (

    select
        cast(centroids.model_version as integer) as model_version,
        cast(centroids.segment_id as integer) as segment_id,
        segments.segment_name,
        cast(centroids.feature as string) as feature,
        cast(segments.training_customers as bigint) as training_customers,
        cast(centroids.centroid_z as double) as centroid_z,
        cast(centroids.centroid_value as double) as centroid_value,
        cast(in_current_version.centroid_z_in_current_version as double) as centroid_z_in_current_version,
        cast(segments.centroid_shift as double) as centroid_shift,
        segments.is_current_version

    from centroids
    inner join segments
        on centroids.model_version = segments.model_version
        and centroids.segment_id = segments.segment_id
    left join in_current_version
        on centroids.model_version = in_current_version.model_version
        and centroids.segment_id = in_current_version.segment_id
        and centroids.feature = in_current_version.feature

),

versions as (

    select * from {{ ref('segment_models') }}

),

-- The previous version's centres (segments the version in use matched keep their id), for the version in
-- use's rows: where the centre was before the last retrain, in today's standardized units.
previous_centres as (

    select registry.segment_id, registry.feature, registry.centroid_value, registry.centroid_z_in_current_version
    from registry
    inner join versions
        on registry.model_version = versions.previous_model_version
        and versions.is_current_version

),

final as (

    select
        registry.model_version,
        registry.segment_id,
        registry.segment_name,
        registry.feature,
        registry.training_customers,
        registry.centroid_z,
        registry.centroid_value,
        registry.centroid_z_in_current_version,
        registry.centroid_shift,
        previous_centres.centroid_value as previous_centroid_value,
        previous_centres.centroid_z_in_current_version as previous_centroid_z_in_current_version,
        registry.centroid_z - previous_centres.centroid_z_in_current_version as centroid_z_change,
        registry.is_current_version

    from registry
    left join previous_centres
        on registry.is_current_version
        and registry.segment_id = previous_centres.segment_id
        and registry.feature = previous_centres.feature

)

select * from final
