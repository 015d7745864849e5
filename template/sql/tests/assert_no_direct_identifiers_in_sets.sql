-- Fails (returns rows) if a training or evaluation set has a column holding a direct
-- identifier, or a value equal to a raw email or phone number.
select
    table_name as data_set,
    column_name as offending
from information_schema.columns
where
    table_name in ('set_train', 'set_eval')
    and lower(column_name) in (
        'full_name', 'name', 'email', 'phone', 'resident_registration_number', 'birth_date',
        'email_token'
    )
union all
select
    'stg_customers' as data_set,
    'email_token equals a raw email' as offending
from {{ ref('stg_customers') }} as customers
inner join {{ source('customers') }} as raw_customers
    on customers.email_token = raw_customers.email
