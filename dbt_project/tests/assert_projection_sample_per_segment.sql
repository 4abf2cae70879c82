-- report_customer_projection holds, of each segment, min(var projection_customers_per_segment, the
-- segment's customers) customers, each in the segment customer_segments gives them.
with segments as (

    select segment_id, count(*) as customers from {{ ref('customer_segments') }} group by segment_id

),

sampled as (

    select projection.segment_id, count(*) as sampled
    from {{ ref('report_customer_projection') }} as projection
    inner join {{ ref('customer_segments') }} as assigned
        on projection.customer_id = assigned.customer_id and projection.segment_id = assigned.segment_id
    group by projection.segment_id

),

projected as (

    select count(*) as projected from {{ ref('report_customer_projection') }}

)

select
    coalesce(segments.segment_id, sampled.segment_id) as segment_id,
    segments.customers,
    sampled.sampled

from segments
full outer join sampled on segments.segment_id = sampled.segment_id
where coalesce(sampled.sampled, 0)
    <> least(coalesce(segments.customers, 0), {{ var('projection_customers_per_segment') }})

union all

-- A projected customer missing from customer_segments, or there in another segment.
select null as segment_id, null as customers, projected.projected
from projected
where projected.projected <> (select coalesce(sum(sampled), 0) from sampled)
