-- One row per customer and month of use, from the billing and product-usage systems.
select
    customer_id,
    month_index,
    month_start,
    sessions,
    support_tickets,
    spend,
    case when late_payment then 1 else 0 end as late_payment
from {{ source('raw', 'activity') }}
