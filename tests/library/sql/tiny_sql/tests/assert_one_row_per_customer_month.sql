select
    customer_id,
    snapshot_month,
    count(*) as duplicate_rows
from {{ ref('feat_customer_month') }}
group by customer_id, snapshot_month
having count(*) > 1
