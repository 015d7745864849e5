-- One row per customer and month of use.
select
    customer_id,
    month_index,
    sessions
from {{ source('raw', 'activity') }}
