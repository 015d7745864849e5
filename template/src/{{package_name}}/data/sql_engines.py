"""The engines the SQL models run on, each as a session around one dbt run: it puts the inputs
in (the source files as raw.<name>; the Parquet files of earlier layers a stage does not
rebuild), gives dbt the environment its profile reads, and writes the built models out.

DuckDB runs in a fresh database file under sql/target/ filled from the files on disk, so a
stage starts from its DVC inputs alone, never from a previous run's leftovers.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ml_playbook.conventions import SQL_MODEL_LAYERS
from ml_playbook.tables import identifier, is_table, literal, relation_sql

from ..config import Params
from ..errors import ProjectError
from ..paths import SQL_DIR
from .sql_project import DBT_TARGET, DUCKDB_DATABASE, RAW_SCHEMA, SqlModel


def source_files(root: Path, params: Params) -> dict[str, Path]:
    """Each source of params.yaml sql.sources as a table file; a missing one says what to do."""
    files = {}
    for name, relative in params.sql.sources.items():
        path = root / relative
        if not path.is_file():
            raise ProjectError(
                f"source '{name}' reads {relative}, which does not exist: run "
                "`dvc repro synthesize` or point params.yaml sql.sources at your files"
            )
        if not is_table(path):
            raise ProjectError(
                f"source '{name}' reads {relative}, which is not a CSV, TSV or Parquet "
                "file: fix params.yaml sql.sources"
            )
        files[name] = path
    return files


def upstream_files(root: Path, layers: tuple[str, ...]) -> dict[str, Path]:
    """The Parquet files of the models of the layers before `layers` (written by earlier stages)."""
    earlier = SQL_MODEL_LAYERS[: min(SQL_MODEL_LAYERS.index(layer) for layer in layers)]
    files = {}
    for layer in earlier:
        for path in sorted((root / SQL_DIR / layer).glob("*.sql")):
            output = SqlModel(path.stem, layer, path).output(root)
            if output.is_file():
                files[path.stem] = output
    return files


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


class PostgresSession:
    """PostgreSQL (`uv sync --extra postgres`): the stage copies the source files into tables
    raw.<name>, dbt builds the models in the profile's schema, the stage reads them back. The
    warehouse keeps earlier layers' tables between stages, so nothing else is loaded."""

    # Arrow type -> PostgreSQL column type, for the raw tables (anything else is text).
    TYPES = {
        "int": "bigint",
        "uint": "bigint",
        "float": "double precision",
        "double": "double precision",
        "bool": "boolean",
        "date32": "date",
        "timestamp": "timestamp",
    }
    NUMERIC = 1700  # PostgreSQL's type id of numeric

    def __init__(self, root: Path, params: Params, layers: tuple[str, ...]):
        self.settings = profile_target(root, "postgres")
        self.environment: dict[str, str] = {}
        self.sources = source_files(root, params) if layers[0] == SQL_MODEL_LAYERS[0] else {}

    def connect(self):
        import psycopg

        keys = ("host", "port", "user", "password", "dbname")
        return psycopg.connect(**{key: self.settings[key] for key in keys})

    def load(self) -> None:
        import duckdb

        with self.connect() as connection, connection.cursor() as cursor:
            cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
            for name, path in self.sources.items():
                table = duckdb.sql(f"select * from {relation_sql(path)}").fetch_arrow_table()
                columns = ", ".join(
                    f"{identifier(field.name)} {self.column_type(field.type)}"
                    for field in table.schema
                )
                target = f"{RAW_SCHEMA}.{identifier(name)}"
                cursor.execute(f"drop table if exists {target} cascade")
                cursor.execute(f"create table {target} ({columns})")
                with cursor.copy(f"copy {target} from stdin") as copy:
                    for row in zip(*(column.to_pylist() for column in table.columns), strict=True):
                        copy.write_row(row)

    def column_type(self, arrow_type) -> str:
        name = str(arrow_type)
        return next((sql for prefix, sql in self.TYPES.items() if name.startswith(prefix)), "text")

    def export(self, outputs: list[tuple[SqlModel, Path]]) -> None:
        import pandas as pd

        schema = identifier(self.settings["schema"])
        with self.connect() as connection, connection.cursor() as cursor:
            for model, path in outputs:
                cursor.execute(f"select * from {schema}.{identifier(model.name)}")
                names = [column.name for column in cursor.description]
                frame = pd.DataFrame(cursor.fetchall(), columns=names)
                # sum(), avg() and extract() give numeric (Python Decimal): floats, as DuckDB's.
                for column in cursor.description:
                    if column.type_code == self.NUMERIC:
                        frame[column.name] = frame[column.name].astype(float)
                path.parent.mkdir(parents=True, exist_ok=True)
                frame.to_parquet(path, index=False)

    def close(self) -> None:
        pass


def profile_target(root: Path, target: str) -> dict[str, str]:
    """The settings of `target` in sql/profiles.yml, its `env_var()`s filled in from the
    environment as dbt fills them: the file stays the one place a connection is described."""
    import os

    import jinja2
    import yaml

    def env_var(name: str, default: str | None = None) -> str:
        if name not in os.environ and default is None:
            raise ProjectError(f"sql/profiles.yml target {target} needs the variable {name}")
        return os.environ.get(name, default)

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.globals["env_var"] = env_var
    environment.filters["as_number"] = lambda value: value
    profiles = yaml.safe_load((root / SQL_DIR / "profiles.yml").read_text())
    outputs = next(iter(profiles.values()))["outputs"]
    if target not in outputs:
        raise ProjectError(f"sql/profiles.yml has no target '{target}': add it or fix sql.engine")
    return {
        key: environment.from_string(value).render() if isinstance(value, str) else str(value)
        for key, value in outputs[target].items()
    }


class SparkSession:
    """Spark in local mode (`uv sync --extra spark`, Java 17): the stage starts the session dbt
    then joins (`method: session`), with its warehouse under sql/target/. Sources and earlier
    layers are tables over their files, read as Parquet (or CSV); the sets are read back."""

    MASTER = "local[2]"

    def __init__(self, root: Path, params: Params, layers: tuple[str, ...]):
        self.warehouse = root / DBT_TARGET / "spark-warehouse"
        self.schema = profile_target(root, "spark")["schema"]
        self.environment: dict[str, str] = {}
        self.sources = source_files(root, params)
        self.upstream = upstream_files(root, layers)

    def load(self) -> None:
        import shutil

        from pyspark.sql import SparkSession as Spark

        shutil.rmtree(self.warehouse, ignore_errors=True)
        self.spark = (
            Spark.builder.master(self.MASTER)
            .appName("sql")
            .config("spark.sql.warehouse.dir", str(self.warehouse))
            .config("spark.sql.catalogImplementation", "in-memory")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # a handful of partitions: the default 200 are for a cluster, not two cores
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        for schema in (RAW_SCHEMA, self.schema):
            self.spark.sql(f"create database if not exists {schema}")
        for name, path in self.sources.items():
            self.register(f"{RAW_SCHEMA}.{name}", path)
        for name, path in self.upstream.items():
            self.register(f"{self.schema}.{name}", path)

    def register(self, table: str, path: Path) -> None:
        """`table` as a table over the file at `path` (Parquet, CSV or TSV by its suffix)."""
        from ml_playbook.tables import TABLE_SUFFIXES

        delimiter = TABLE_SUFFIXES.get(path.suffix.lower())
        options = f"path {spark_literal(str(path))}"
        if delimiter is not None:
            options += f", header 'true', inferSchema 'true', sep {spark_literal(delimiter)}"
        fmt = "parquet" if delimiter is None else "csv"
        self.spark.sql(f"drop table if exists {table}")
        self.spark.sql(f"create table {table} using {fmt} options ({options})")

    def export(self, outputs: list[tuple[SqlModel, Path]]) -> None:
        """Spark writes each model as Parquet: one part file, moved to the model's output."""
        for model, path in outputs:
            written = self.warehouse.parent / "spark-out" / model.name
            table = self.spark.table(f"{self.schema}.{model.name}")
            table.coalesce(1).write.mode("overwrite").parquet(str(written))
            path.parent.mkdir(parents=True, exist_ok=True)
            next(written.glob("part-*.parquet")).replace(path)

    def close(self) -> None:
        pass


def spark_literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


SESSIONS = {"duckdb": DuckDBSession, "postgres": PostgresSession, "spark": SparkSession}


@contextmanager
def session(engine: str, root: Path, params: Params, layers: tuple[str, ...]) -> Iterator:
    """The engine's session for a dbt run over `layers`, its inputs loaded."""
    if engine not in SESSIONS:
        raise ProjectError(
            f"params.yaml sql.engine '{engine}' has no session here: use one of {', '.join(SESSIONS)}"
        )
    current = SESSIONS[engine](root, params, layers)
    current.load()
    try:
        yield current
    finally:
        current.close()
