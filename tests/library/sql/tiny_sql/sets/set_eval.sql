select *
from {{ ref('feat_customer_month') }}
where snapshot_month >= {{ var('split').eval_from_month }}
