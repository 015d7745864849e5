"""PostgreSQL (`uv sync --extra postgres`): the connection comes from sql/profiles.yml (its
settings from the environment); the stage copies the sources in and reads the models back."""

from pathlib import Path

from ml_playbook.conventions import SQL_MODEL_LAYERS
from ml_playbook.tables import identifier, relation_sql

from ..config import Params
from ..errors import ProjectError
from .sql_engines import profile_target, source_files
from .sql_project import RAW_SCHEMA, SqlModel, one_line


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
        try:
            return psycopg.connect(**{key: self.settings[key] for key in keys})
        except psycopg.OperationalError as error:
            where = f"{self.settings['host']}:{self.settings['port']}/{self.settings['dbname']}"
            raise ProjectError(
                f"cannot connect to PostgreSQL at {where} ({one_line(str(error))}): set "
                "POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB"
            ) from None

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
