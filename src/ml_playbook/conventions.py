"""Facts the hooks and the generated projects share, kept once here (the projects import them).

- the SQL layers of `sql/` and the file-name prefix of each (check-sql-layout enforces them; a
  project's `sql/` is a dbt project whose model folders its stages build in this order);
- the SQL dialects a project may be written in (translated by sqlglot; copier.yml offers the same).
"""

# Layer -> file-name prefix, in run order: models (staging, features, sets), then the rest.
SQL_LAYER_PREFIXES = {
    "staging": "stg_",
    "features": "feat_",
    "sets": "set_",
    "tests": "assert_",
    "macros": "",
}
# The layers whose files are models (one SELECT each, a table written per model), in run order.
SQL_MODEL_LAYERS = ("staging", "features", "sets")

# sqlglot's names for the engines a project's SQL may be written in.
SQL_DIALECTS = ("duckdb", "bigquery", "snowflake", "postgres", "spark")
