{#-
  pseudonymise(column): a keyed hash (SHA-256 of salt + normalised value, as 64 hex digits)
  that replaces a direct identifier. The same value and salt always give the same token, so
  joins still work; without the salt nobody can confirm a guess by hashing it. The salt comes
  from the PSEUDONYMISATION_SALT environment variable (sql/README.md). Pseudonymised data is
  still personal data: the token links records about one person.
  Each engine spells SHA-256 its own way: adapter.dispatch picks <engine>__keyed_sha256.
-#}
{% macro pseudonymise(column) -%}
{%- set salted = "concat('" ~ pseudonymisation_salt() ~ "', lower(trim(" ~ column ~ ")))" -%}
{{ adapter.dispatch('keyed_sha256')(salted) }}
{%- endmacro %}

{% macro pseudonymisation_salt() -%}
{%- set salt = env_var('PSEUDONYMISATION_SALT', 'local-development-salt-not-for-real-data') -%}
{%- if not modules.re.fullmatch('[A-Za-z0-9_-]{16,}', salt) -%}
{{ exceptions.raise_compiler_error(
    "PSEUDONYMISATION_SALT must be at least 16 characters of letters, digits, '_' or '-'."
) }}
{%- endif -%}
{{ return(salt) }}
{%- endmacro %}

{% macro default__keyed_sha256(text) -%}
sha256({{ text }})
{%- endmacro %}

{% macro postgres__keyed_sha256(text) -%}
encode(sha256(convert_to({{ text }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro spark__keyed_sha256(text) -%}
sha2({{ text }}, 256)
{%- endmacro %}

{% macro snowflake__keyed_sha256(text) -%}
sha2({{ text }}, 256)
{%- endmacro %}

{% macro bigquery__keyed_sha256(text) -%}
to_hex(sha256({{ text }}))
{%- endmacro %}
