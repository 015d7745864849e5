-- Fails (returns rows) if a training or evaluation set has a column holding a direct
-- identifier, or if a token equals a raw email (the email was not pseudonymised).
{%- set direct_identifiers = [
    'full_name', 'name', 'email', 'phone', 'resident_registration_number', 'birth_date',
    'email_token'
] %}
{%- for data_set in ['set_train', 'set_eval'] %}
    {%- set relation = ref(data_set) %}
    {%- for column in (adapter.get_columns_in_relation(relation) if execute else []) %}
        {%- if column.name | lower in direct_identifiers %}
select
    '{{ data_set }}' as data_set,
    '{{ column.name }}' as offending
union all
        {%- endif %}
    {%- endfor %}
{%- endfor %}
select
    'stg_customers' as data_set,
    'email_token equals a raw email' as offending
from {{ ref('stg_customers') }} as customers
inner join {{ source('raw', 'customers') }} as raw_customers
    on customers.email_token = raw_customers.email
