"""The engines the SQL models run on, each a session around one dbt run: it puts the inputs in
(the source files as raw.<name>; the tables of earlier layers a stage does not rebuild), gives
dbt the environment its profile reads, and writes the built models out as Parquet files.

One module per engine, imported only when params.yaml `sql.engine` names it: the engines'
drivers (psycopg, pyspark) are extras a project installs only if it uses them.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Protocol

from ..errors import ProjectError
from .nodes import SqlModel

# params.yaml sql.engine -> the module and class of its session.
ENGINES = {
    "duckdb": ("ml_playbook.sql.duckdb", "DuckDBSession"),
    "postgres": ("ml_playbook.sql.postgres", "PostgresSession"),
    "spark": ("ml_playbook.sql.spark", "SparkSession"),
}


class Session(Protocol):
    """One dbt run's engine: made with the project and the layers the run builds."""

    environment: dict[str, str]  # variables dbt's profile reads, set while dbt runs

    def load(self) -> None:
        """Put the sources (and the earlier layers' tables, where the engine keeps none) in."""

    def export(self, outputs: list[tuple[SqlModel, Path]]) -> None:
        """Write each model's table to its Parquet file."""

    def close(self) -> None:
        """Let go of what the session holds, so the next run in this process starts afresh."""


def session_class(engine: str) -> type[Session]:
    """The session of `engine`, its module imported now."""
    if engine not in ENGINES:
        raise ProjectError(f"sql.engine '{engine}' is not one of {', '.join(ENGINES)}")
    module, name = ENGINES[engine]
    return getattr(import_module(module), name)


@contextmanager
def session(project, layers: tuple[str, ...]) -> Iterator[Session]:
    """The session of the project's engine for a dbt run over `layers`, its inputs loaded."""
    current = session_class(project.params.sql.engine)(project, layers)
    try:
        current.load()
        yield current
    finally:
        current.close()
