select train.snapshot_month
from {{ ref('set_train') }} as train
inner join {{ ref('set_eval') }} as evaluation
    on train.snapshot_month = evaluation.snapshot_month
