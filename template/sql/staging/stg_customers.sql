-- One row per customer from the CRM, with direct identifiers removed.
-- email -> a keyed-hash token (to join with other sources); name, phone and the resident
-- registration number are dropped; the birth date is generalised to a year.
select
    customer_id,
    {{ pseudonymise('email') }} as email_token,
    extract(year from birth_date) as birth_year,
    country,
    acquisition_channel,
    plan,
    monthly_fee,
    signup_month,
    cancelled_month
from {{ source('raw', 'customers') }}
