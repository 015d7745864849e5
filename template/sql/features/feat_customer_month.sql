-- One row per active customer and month (the snapshot): what we knew at the start of the
-- month, over the last `features.window_months`, and what happened in the next
-- `features.horizon_months` (the labels). Months are whole-number indexes (month_index).
with snapshots as (
    select
        month_index as snapshot_month,
        min(month_start) as snapshot_start
    from {{ ref('stg_activity') }}
    group by month_index
),

observed as (
    select max(snapshot_month) as last_month
    from snapshots
),

customer_snapshots as (
    select
        customers.customer_id,
        customers.plan,
        customers.country,
        customers.acquisition_channel,
        customers.monthly_fee,
        customers.cancelled_month,
        snapshots.snapshot_month,
        snapshots.snapshot_month - customers.signup_month as tenure_months,
        extract(year from snapshots.snapshot_start) - customers.birth_year as age_years
    from {{ ref('stg_customers') }} as customers
    inner join snapshots
        on customers.signup_month + {{ var('features').window_months }} <= snapshots.snapshot_month
    cross join observed
    where
        (customers.cancelled_month is null or customers.cancelled_month >= snapshots.snapshot_month)
        -- keep only snapshots whose whole horizon has been observed
        and snapshots.snapshot_month + {{ var('features').horizon_months }} <= observed.last_month + 1
),

history as (
    select
        customer_snapshots.customer_id,
        customer_snapshots.snapshot_month,
        sum(activity.sessions) as sessions_window,
        sum(activity.support_tickets) as support_tickets_window,
        sum(activity.late_payment) as late_payments_window,
        avg(activity.spend) as avg_spend_window
    from customer_snapshots
    inner join {{ ref('stg_activity') }} as activity
        on
            customer_snapshots.customer_id = activity.customer_id
            and customer_snapshots.snapshot_month - {{ var('features').window_months }} <= activity.month_index
            and customer_snapshots.snapshot_month > activity.month_index
    group by customer_snapshots.customer_id, customer_snapshots.snapshot_month
),

future as (
    select
        customer_snapshots.customer_id,
        customer_snapshots.snapshot_month,
        coalesce(sum(activity.spend), 0) as future_spend
    from customer_snapshots
    left join {{ ref('stg_activity') }} as activity
        on
            customer_snapshots.customer_id = activity.customer_id
            and customer_snapshots.snapshot_month <= activity.month_index
            and customer_snapshots.snapshot_month + {{ var('features').horizon_months }} > activity.month_index
    group by customer_snapshots.customer_id, customer_snapshots.snapshot_month
)

select
    customer_snapshots.customer_id,
    customer_snapshots.snapshot_month,
    customer_snapshots.plan,
    customer_snapshots.country,
    customer_snapshots.acquisition_channel,
    customer_snapshots.monthly_fee,
    customer_snapshots.tenure_months,
    customer_snapshots.age_years,
    history.sessions_window,
    history.support_tickets_window,
    history.late_payments_window,
    history.avg_spend_window,
    case
        when
            customer_snapshots.cancelled_month is not null
            and customer_snapshots.cancelled_month
            < customer_snapshots.snapshot_month + {{ var('features').horizon_months }}
            then 1
        else 0
    end as churned,
    future.future_spend
from customer_snapshots
inner join history
    on
        customer_snapshots.customer_id = history.customer_id
        and customer_snapshots.snapshot_month = history.snapshot_month
inner join future
    on
        customer_snapshots.customer_id = future.customer_id
        and customer_snapshots.snapshot_month = future.snapshot_month
