-- One row per customer and month: the sessions of the `features.window_months` before it.
select
    snapshot.customer_id,
    snapshot.month_index as snapshot_month,
    customers.plan,
    snapshot.month_index - customers.signup_month as tenure_months,
    sum(history.sessions) as sessions_window
from {{ ref('stg_activity') }} as snapshot
inner join {{ ref('stg_customers') }} as customers
    on snapshot.customer_id = customers.customer_id
inner join {{ ref('stg_activity') }} as history
    on
        snapshot.customer_id = history.customer_id
        and history.month_index < snapshot.month_index
        and history.month_index >= snapshot.month_index - {{ var('features').window_months }}
group by
    snapshot.customer_id, snapshot.month_index, customers.plan, customers.signup_month
