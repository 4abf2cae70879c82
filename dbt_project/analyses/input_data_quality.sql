-- What was read from each input and what happened to it: accepted (by line or event type) or rejected
-- (by reason), with the value of transaction lines, e.g. the revenue on lines without a customer id.
select
    input_name,
    outcome,
    row_count,
    round(100 * row_share, 2) as row_share_pct,
    customer_count,
    round(total_value, 2) as total_value
from {{ ref('input_quality') }}
order by input_name, is_accepted desc, row_count desc
