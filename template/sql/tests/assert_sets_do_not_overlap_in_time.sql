-- Fails if a snapshot month is in both the training and the evaluation set.
select train.snapshot_month
from {{ ref('set_train') }} as train
inner join {{ ref('set_eval') }} as evaluation
    on train.snapshot_month = evaluation.snapshot_month
