-- Data quality: rejected input rows by input and reason.
select
    input_name,
    rejection_reason,
    count(*) as rejected_rows
from {{ ref('rejected_rows') }}
group by all
order by input_name, rejected_rows desc
