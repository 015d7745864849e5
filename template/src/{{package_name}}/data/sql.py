"""Render the SQL models in sql/, translate them with sqlglot, and run them on DuckDB.

A model is one `SELECT` in `sql/<layer>/<name>.sql`, written in the project's dialect
(`sql.dialect` in params.yaml) with Jinja: `{{ ref('model') }}`, `{{ source('name') }}`,
`{{ params.<section>.<key> }}` and the macros of `sql/macros/`. Layers run in order
(staging -> features -> sets); inside a run, models are ordered by their `ref()`s. A model of
a layer that is not being run is read from its Parquet file, so stages can run one by one.
"""

import os
import re
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb
import jinja2
import sqlglot
from ml_playbook.conventions import SQL_DIALECTS, SQL_MODEL_LAYERS
from ml_playbook.tables import is_table, literal, relation_sql

from ..config import Params
from ..errors import ProjectError
from ..paths import SQL_DIR, SQL_LAYER_OUTPUT

LAYERS = SQL_MODEL_LAYERS
ENGINES = SQL_DIALECTS

SALT_VARIABLE = "PSEUDONYMISATION_SALT"
LOCAL_SALT = "local-development-salt-not-for-real-data"
_SALT_FORMAT = re.compile(r"[A-Za-z0-9_-]{16,}")

# DuckDB stand-ins for macros whose SQL differs by engine: sqlglot passes unknown functions
# through untouched, so the same call runs locally whatever dialect the model is written in.
DUCKDB_MACROS = (
    "create or replace macro ml_keyed_hash(value, salt) as sha256(concat(salt, lower(trim(value))))",
)


@dataclass(frozen=True)
class SqlModel:
    name: str
    layer: str
    path: Path


@dataclass
class SqlProject:
    """The models, macros and tests of sql/, rendered with the project's params."""

    root: Path
    params: Params
    salt: str = field(default_factory=lambda: pseudonymisation_salt())

    @property
    def sql_dir(self) -> Path:
        return self.root / SQL_DIR

    def models(self, layers: tuple[str, ...] = LAYERS) -> list[SqlModel]:
        found = [
            SqlModel(path.stem, layer, path)
            for layer in layers
            for path in sorted((self.sql_dir / layer).glob("*.sql"))
        ]
        names = [model.name for model in found]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ProjectError(f"model names must be unique across layers: {', '.join(duplicates)}")
        return found

    def tests(self) -> list[Path]:
        return sorted((self.sql_dir / "tests").glob("*.sql"))

    def render(self, path: Path, engine: str = "duckdb") -> tuple[str, set[str]]:
        """The model's SQL in its written dialect for `engine`, and the models it refs."""
        refs: set[str] = set()
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.sql_dir),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        environment.globals.update(
            engine=engine,
            dialect=self.params.sql.dialect,
            salt=self.salt,
            params=self.params.model_dump(),
            ref=lambda name: refs.add(name) or name,
            source=lambda name: self._source(name),
        )
        for macros in sorted((self.sql_dir / "macros").glob("*.sql")):
            module = environment.get_template(macros.relative_to(self.sql_dir).as_posix()).module
            environment.globals.update(
                {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
            )
        relative = path.relative_to(self.sql_dir).as_posix()
        try:
            return environment.get_template(relative).render(), refs
        except jinja2.TemplateError as error:
            raise ProjectError(f"sql/{relative}: {error}") from None

    def compile(self, path: Path, engine: str = "duckdb") -> str:
        """The model rendered and translated from the project's dialect into `engine`'s."""
        rendered, _ = self.render(path, engine)
        try:
            statements = sqlglot.transpile(
                rendered, read=self.params.sql.dialect, write=engine, pretty=True
            )
        except sqlglot.errors.ParseError as error:
            first = error.errors[0] if error.errors else {}
            raise ProjectError(
                f"sql/{path.relative_to(self.sql_dir).as_posix()}: not valid "
                f"{self.params.sql.dialect} SQL at line {first.get('line', '?')}: "
                f"{first.get('description', error)}"
            ) from None
        if len(statements) != 1:
            raise ProjectError(f"{path.name}: a model must be exactly one SELECT statement")
        return statements[0]

    def _source(self, name: str) -> str:
        if name not in self.params.sql.sources:
            known = ", ".join(sorted(self.params.sql.sources)) or "none"
            raise ProjectError(
                f"source('{name}') is not in params.yaml sql.sources (known: {known})"
            )
        return f"src_{name}"

    def order(self, models: list[SqlModel]) -> list[SqlModel]:
        """Models sorted so that each comes after the models it refs."""
        by_name = {model.name: model for model in models}
        graph = {model.name: self.render(model.path)[1] & set(by_name) for model in models}
        try:
            return [by_name[name] for name in TopologicalSorter(graph).static_order()]
        except CycleError as error:
            raise ProjectError(
                f"models ref each other in a cycle: {' -> '.join(error.args[1])}"
            ) from None

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with the sources as views and the engine macros installed."""
        connection = duckdb.connect()
        for statement in DUCKDB_MACROS:
            connection.execute(statement)
        for name, relative in self.params.sql.sources.items():
            path = self.root / relative
            if not path.is_file():
                raise ProjectError(
                    f"source '{name}' reads {relative}, which does not exist: run "
                    "`make pipeline` (or the synthesize stage) or fix params.yaml sql.sources"
                )
            if not is_table(path):
                raise ProjectError(
                    f"source '{name}' reads {relative}, which is not a CSV, TSV or Parquet "
                    "file: fix params.yaml sql.sources"
                )
            connection.execute(f"create view src_{name} as select * from {relation_sql(path)}")
        return connection

    def run(
        self, connection: duckdb.DuckDBPyConnection, layers: tuple[str, ...] = LAYERS
    ) -> list[SqlModel]:
        """Create a table for each model of `layers`; earlier layers come from their Parquet files."""
        for model in self.models(tuple(layer for layer in LAYERS if layer not in layers)):
            output = self.output_path(model)
            if output.exists():
                connection.execute(
                    f"create or replace view {model.name} as select * from {relation_sql(output)}"
                )
        ran = self.order(self.models(layers))
        for model in ran:
            sql = self.compile(model.path)
            try:
                connection.execute(f"create or replace table {model.name} as {sql}")
            except duckdb.Error as error:
                message = str(error).splitlines()[0]
                raise ProjectError(
                    f"sql/{model.layer}/{model.path.name} failed on DuckDB: {message}"
                ) from None
        return ran

    def output_path(self, model: SqlModel) -> Path:
        return self.root / SQL_LAYER_OUTPUT[model.layer] / f"{model.name}.parquet"

    def write(self, connection: duckdb.DuckDBPyConnection, models: list[SqlModel]) -> list[Path]:
        written = []
        for model in models:
            output = self.output_path(model)
            output.parent.mkdir(parents=True, exist_ok=True)
            connection.execute(f"copy {model.name} to {literal(str(output))} (format parquet)")
            written.append(output)
        return written

    def failing_tests(self, connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
        """Each assertion query of sql/tests/ that returns rows, with how many it returned."""
        failures = {}
        for path in self.tests():
            count = connection.execute(f"select count(*) from ({self.compile(path)})").fetchone()[0]
            if count:
                failures[path.name] = count
        return failures


def pseudonymisation_salt() -> str:
    """The key of the keyed hash in `pseudonymise()`: PSEUDONYMISATION_SALT, or the local default."""
    salt = os.environ.get(SALT_VARIABLE, LOCAL_SALT)
    if not _SALT_FORMAT.fullmatch(salt):
        raise ProjectError(
            f"{SALT_VARIABLE} must be at least 16 characters of letters, digits, '_' or '-'."
        )
    return salt
