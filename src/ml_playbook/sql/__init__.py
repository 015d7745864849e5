"""A project's SQL models (sql/, a dbt project), run in-process on the engine params.yaml names:
DuckDB (embedded, the default), PostgreSQL or Spark in local mode.

- `dbt`: the runner — `build`/`build_into` (models and assertion tests, tables written as
  Parquet), `models` (in run order), `compiled`, `translate` (sqlglot), `masked` (the salt);
- `nodes`: what dbt builds (`SqlModel`) and what a run did (`DbtRun`);
- `engines`: the session of each engine (`duckdb`, `postgres`, `spark`, one module each,
  imported only when chosen); `inputs`: the sources and earlier layers they load.

dbt, DuckDB and sqlglot are imported only when a function runs.
"""

from .dbt import build, build_into, checked, compiled, masked, models, translate
from .nodes import DbtRun, SqlModel

__all__ = [
    "DbtRun",
    "SqlModel",
    "build",
    "build_into",
    "checked",
    "compiled",
    "masked",
    "models",
    "translate",
]
