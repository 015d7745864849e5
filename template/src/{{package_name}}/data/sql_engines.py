"""The engines the SQL models run on, each as a session around one dbt run: it puts the inputs
in (the source files as raw.<name>; the Parquet files of earlier layers a stage does not
rebuild), gives dbt the environment its profile reads, and writes the built models out.
One module per engine (sql_duckdb, sql_postgres, sql_spark), imported only when chosen.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ml_playbook.conventions import SQL_MODEL_LAYERS
from ml_playbook.tables import is_table

from ..config import Params
from ..errors import ProjectError
from ..paths import SQL_DIR
from .sql_project import SqlModel


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
    try:
        profiles = yaml.safe_load((root / SQL_DIR / "profiles.yml").read_text())
        outputs = next(iter(profiles.values()))["outputs"]
    except (OSError, yaml.YAMLError, AttributeError, StopIteration, KeyError, TypeError):
        raise ProjectError(
            "sql/profiles.yml is missing or not a dbt profile (a name with `outputs:`): "
            "restore it from the template"
        ) from None
    if target not in outputs:
        raise ProjectError(f"sql/profiles.yml has no target '{target}': add it or fix sql.engine")
    try:
        return {
            key: environment.from_string(value).render() if isinstance(value, str) else str(value)
            for key, value in outputs[target].items()
        }
    except jinja2.TemplateError as error:
        raise ProjectError(f"sql/profiles.yml target {target}: {error}") from None


def session_class(engine: str):
    """The session of `engine` (config.SqlEngine), imported only when it is the one chosen."""
    if engine == "postgres":
        from .sql_postgres import PostgresSession

        return PostgresSession
    if engine == "spark":
        from .sql_spark import SparkSession

        return SparkSession
    from .sql_duckdb import DuckDBSession

    return DuckDBSession


@contextmanager
def session(engine: str, root: Path, params: Params, layers: tuple[str, ...]) -> Iterator:
    """The engine's session for a dbt run over `layers`, its inputs loaded."""
    current = session_class(engine)(root, params, layers)
    current.load()
    try:
        yield current
    finally:
        current.close()
