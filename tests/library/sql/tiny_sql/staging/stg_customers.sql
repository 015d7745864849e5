-- One row per customer, the email replaced by a keyed-hash token.
select
    customer_id,
    {{ pseudonymise('email') }} as email_token,
    plan,
    signup_month
from {{ source('raw', 'customers') }}
