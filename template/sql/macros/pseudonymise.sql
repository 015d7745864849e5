{#-
  pseudonymise(column): a keyed hash (SHA-256 of salt + normalised value) that replaces a
  direct identifier. The same value and salt always give the same token, so joins still
  work; without the salt nobody can confirm a guess by hashing it. The salt comes from the
  PSEUDONYMISATION_SALT environment variable (sql/README.md). Pseudonymised data is still
  personal data: the token links records about one person.
-#}
{% macro pseudonymise(column) -%}
{%- set salted = "concat('" ~ salt ~ "', lower(trim(" ~ column ~ ")))" -%}
{%- if engine == 'duckdb' -%}
ml_keyed_hash({{ column }}, '{{ salt }}')
{%- elif dialect == 'bigquery' -%}
to_hex(sha256({{ salted }}))
{%- elif dialect == 'postgres' -%}
encode(sha256(convert_to({{ salted }}, 'UTF8')), 'hex')
{%- elif dialect in ('snowflake', 'spark') -%}
sha2({{ salted }}, 256)
{%- else -%}
sha256({{ salted }})
{%- endif -%}
{%- endmacro %}
