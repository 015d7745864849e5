"""PostgreSQL (the `postgres` extra): the connection comes from sql/profiles.yml (its settings
from the environment); the session copies the sources in and reads the models back."""

from pathlib import Path

from ..conventions import SQL_MODEL_LAYERS
from ..errors import ProjectError
from ..governance.tables import identifier, relation_sql
from .inputs import profile_target, source_files
from .messages import one_line
from .nodes import RAW_SCHEMA, SqlModel

EXTRA = "sql.engine postgres needs the extra: `uv sync --extra postgres`"


class PostgresSession:
    """PostgreSQL: the session copies the source files into tables raw.<name>, dbt builds the
    models in the profile's schema, the session reads them back. The warehouse keeps earlier
    layers' tables between stages, so nothing else is loaded."""

    # DuckDB's type of a source column (as it reads the file) -> the raw table's column type;
    # anything else is text.
    TYPES = {
        "TINYINT": "bigint",
        "SMALLINT": "bigint",
        "INTEGER": "bigint",
        "BIGINT": "bigint",
        "UTINYINT": "bigint",
        "USMALLINT": "bigint",
        "UINTEGER": "bigint",
        "UBIGINT": "numeric",
        "HUGEINT": "numeric",
        "UHUGEINT": "numeric",
        "DECIMAL": "numeric",
        "FLOAT": "double precision",
        "DOUBLE": "double precision",
        "BOOLEAN": "boolean",
        "DATE": "date",
        "TIMESTAMP WITH TIME ZONE": "timestamptz",
        "TIMESTAMP": "timestamp",
    }
    NUMERIC = 1700  # PostgreSQL's type id of numeric

    def __init__(self, project, layers: tuple[str, ...]):
        self.settings = profile_target(project.root, "postgres")
        self.environment: dict[str, str] = {}
        self.sources = source_files(project) if layers[0] == SQL_MODEL_LAYERS[0] else {}

    def connect(self):
        try:
            import psycopg
        except ImportError:
            raise ProjectError(EXTRA) from None

        keys = ("host", "port", "user", "password", "dbname")
        missing = [key for key in keys if key not in self.settings]
        if missing:
            raise ProjectError(
                f"sql/profiles.yml target postgres needs {', '.join(missing)}: restore it from "
                "the template"
            )
        try:
            return psycopg.connect(**{key: self.settings[key] for key in keys})
        except psycopg.OperationalError as error:
            where = f"{self.settings['host']}:{self.settings['port']}/{self.settings['dbname']}"
            raise ProjectError(
                f"cannot connect to PostgreSQL at {where} ({one_line(error)}): set "
                "POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB"
            ) from None

    def load(self) -> None:
        import duckdb

        with (
            self.connect() as connection,
            connection.cursor() as cursor,
            duckdb.connect() as reader,  # not DuckDB's module-level connection, shared by all
        ):
            cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
            for name, path in self.sources.items():
                source = reader.sql(f"select * from {relation_sql(path)}")
                columns = ", ".join(
                    f"{identifier(column)} {self.column_type(str(kind))}"
                    for column, kind in zip(source.columns, source.dtypes, strict=True)
                )
                target = f"{RAW_SCHEMA}.{identifier(name)}"
                cursor.execute(f"drop table if exists {target} cascade")
                cursor.execute(f"create table {target} ({columns})")
                with cursor.copy(f"copy {target} from stdin") as copy:
                    for row in source.fetchall():
                        copy.write_row(row)

    @classmethod
    def column_type(cls, duckdb_type: str) -> str:
        """The PostgreSQL type of a column DuckDB reads as `duckdb_type` (e.g. DECIMAL(18,3))."""
        return next(
            (sql for name, sql in cls.TYPES.items() if duckdb_type.startswith(name)), "text"
        )

    def export(self, outputs: list[tuple[SqlModel, Path]]) -> None:
        import pandas as pd

        schema = identifier(self.settings.get("schema", "public"))
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
        """Nothing is held between connections: each step opens and closes its own."""
