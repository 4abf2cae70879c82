-- Every row read from the customer input is either a cleaned customer or a rejected row.
with read_rows as (

    select count(*) as row_count from {{ ref('stg_customers') }}

),

accepted as (

    select count(*) as row_count from {{ ref('int_customer_rows_validated') }} where is_accepted

),

rejected as (

    select count(*) as row_count from {{ ref('rejected_rows') }} where input_name = 'customers'

)

select
    read_rows.row_count as rows_read,
    accepted.row_count as rows_accepted,
    rejected.row_count as rows_rejected

from read_rows, accepted, rejected
where read_rows.row_count <> accepted.row_count + rejected.row_count
