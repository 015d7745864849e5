"""DuckDB, the embedded default: dbt-duckdb on a fresh database file under sql/target/ that the
session fills with views over the files on disk, so a stage starts from its DVC inputs alone,
never from a previous run's leftovers."""

from pathlib import Path

from ..governance.tables import identifier, literal, relation_sql
from .inputs import source_files, upstream_files
from .nodes import DUCKDB_DATABASE, RAW_SCHEMA, SqlModel


class DuckDBSession:
    """The embedded default: dbt-duckdb on a database file the session fills with views."""

    def __init__(self, project, layers: tuple[str, ...]):
        self.database = project.root / DUCKDB_DATABASE
        self.environment: dict[str, str] = {}
        self.sources = source_files(project)
        self.upstream = upstream_files(project, layers)

    def load(self) -> None:
        import duckdb

        release()  # a `compile` earlier in this process may hold the previous file open
        self.database.parent.mkdir(parents=True, exist_ok=True)
        self.database.unlink(missing_ok=True)
        with duckdb.connect(str(self.database)) as connection:
            connection.execute(f"create schema {RAW_SCHEMA}")
            for name, path in self.sources.items():
                table = f"{RAW_SCHEMA}.{identifier(name)}"
                connection.execute(f"create view {table} as select * from {relation_sql(path)}")
            for name, path in self.upstream.items():
                connection.execute(
                    f"create view {identifier(name)} as select * from {relation_sql(path)}"
                )

    def export(self, outputs: list[tuple[SqlModel, Path]]) -> None:
        import duckdb

        with duckdb.connect(str(self.database)) as connection:
            for model, path in outputs:
                path.parent.mkdir(parents=True, exist_ok=True)
                connection.execute(
                    f"copy {identifier(model.name)} to {literal(str(path))} (format parquet)"
                )

    def close(self) -> None:
        release()


def release() -> None:
    """Let go of the database dbt-duckdb keeps open for the process (a class attribute), so
    the next run in this process — `run-pipeline`, the tests — opens a fresh file."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    DuckDBConnectionManager.close_all_connections()
    if environment is not None:
        environment.close()
