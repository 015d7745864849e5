"""DuckDB, the embedded default: dbt-duckdb on a fresh database file under sql/target/ that the
stage fills with views over the files on disk, so a stage starts from its DVC inputs alone,
never from a previous run's leftovers."""

from pathlib import Path

from ml_playbook.tables import identifier, literal, relation_sql

from ..config import Params
from .sql_engines import source_files, upstream_files
from .sql_project import DUCKDB_DATABASE, RAW_SCHEMA, SqlModel


class DuckDBSession:
    """The embedded default: dbt-duckdb on a database file the stage fills with views."""

    def __init__(self, root: Path, params: Params, layers: tuple[str, ...]):
        self.database = root / DUCKDB_DATABASE
        self.environment: dict[str, str] = {}
        self.sources = source_files(root, params)
        self.upstream = upstream_files(root, layers)

    def load(self) -> None:
        import duckdb

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
        """Let go of the database dbt-duckdb keeps open for the process (a class attribute), so
        the next run in this process — the tests run stages in-process — opens a fresh file."""
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager.close_all_connections()
        if environment is not None:
            environment.close()
