-- The training set: snapshots before `split.eval_from_month` (a time-based split, so the
-- model is judged on months it has never seen, as it will be in production).
select *
from {{ ref('feat_customer_month') }}
where snapshot_month < {{ var('split').eval_from_month }}
