"""Run the dbt project in sql/ in-process, on the engine params.yaml names (`sql.engine`).

dbt renders the models (`ref()`, `source()`, `var()`, the macros), orders them, builds them
and runs the assertion tests of sql/tests/. This module is the edge around it: the engine's
session (data/sql_engines.py) puts the inputs in first — the source files as `raw.<name>`,
and the tables of earlier layers that a stage does not rebuild — and writes each model dbt
built to its Parquet file afterwards, so DVC sees the same outputs whatever the engine.
One process: dbt's runner is called as a library, not as a second Python program.
"""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

from ml_playbook.conventions import SQL_MODEL_LAYERS

from ..config import Params
from ..errors import ProjectError
from ..paths import SQL_DIR, SQL_LAYER_OUTPUT

# dbt's compiled SQL, logs, partial-parse cache and the local DuckDB file: never in git or DVC.
DBT_TARGET = SQL_DIR / "target"
DUCKDB_DATABASE = DBT_TARGET / "local.duckdb"  # the profile's duckdb target (DBT_DUCKDB_PATH)
RAW_SCHEMA = "raw"  # where the sources are in the engine: {{ source('raw', '<name>') }}
# A run that must not reach the network: no usage events, no check for a newer dbt.
DBT_FLAGS = (
    "--no-send-anonymous-usage-stats",
    "--no-version-check",
    "--no-use-colors",
    "--no-write-json",  # manifest.json and run_results.json: nothing here reads them
)
# For commands whose output is ours to print: `--quiet` would still print a compiled node,
# salt and all; problems come back in dbt's result either way.
SILENT = ("--log-level", "none")
PASSED = {"success", "pass"}
SALT_VARIABLE = "PSEUDONYMISATION_SALT"  # read by sql/macros/pseudonymise.sql


@dataclass(frozen=True)
class SqlModel:
    """A model of sql/: its name, its layer (the folder) and the Parquet file a stage writes."""

    name: str
    layer: str
    path: Path  # relative to sql/

    def output(self, root: Path) -> Path:
        return root / SQL_LAYER_OUTPUT[self.layer] / f"{self.name}.parquet"


@dataclass(frozen=True)
class DbtRun:
    """What one `dbt build` did: the models it built and each test with its failing rows."""

    models: list[SqlModel]
    tests: dict[str, int]  # test file -> rows it returned (0: passed; -1: could not run)
    problems: list[str]  # one line per model that failed or test that returned rows


def build(
    root: Path, params: Params, layers: tuple[str, ...] = SQL_MODEL_LAYERS, *, export: bool = True
) -> DbtRun:
    """Build the models of `layers` and the tests they can run; unless told not to (`sql test`),
    write each model to its Parquet file."""
    from .sql_engines import session

    with session(params.sql.engine, root, params, layers) as engine:
        run = outcome(invoke(root, params, build_args(layers), engine.environment))
        if export and not run.problems:
            engine.export([(model, model.output(root)) for model in run.models])
    return run


def build_args(layers: tuple[str, ...]) -> list[str]:
    # `buildable`: a test runs once every model it reads is built here or upstream of what is,
    # so `generate` leaves the tests of the sets to `split`.
    selected = [f"path:{layer}" for layer in layers]
    return ["build", "--select", *selected, "--indirect-selection", "buildable"]


def invoke(root: Path, params: Params, args: list[str], environment: dict[str, str] | None = None):
    """dbt's result for `args` on sql/, with params.yaml's sections as vars."""
    from dbt.cli.main import dbtRunner

    sql_dir = root / SQL_DIR
    arguments = [
        *args,
        *("--project-dir", str(sql_dir), "--profiles-dir", str(sql_dir)),
        *("--target-path", str(root / DBT_TARGET), "--log-path", str(root / DBT_TARGET)),
        *("--target", params.sql.engine, "--vars", json.dumps(dbt_vars(params))),
        *DBT_FLAGS,
    ]
    settings = {"DBT_DUCKDB_PATH": str(root / DUCKDB_DATABASE), **(environment or {})}
    with environment_set(settings):
        result = dbtRunner().invoke(arguments)
    if result.exception is not None:
        raise ProjectError(f"dbt could not run sql/: {one_line(str(result.exception))}")
    return result


def outcome(result) -> DbtRun:
    """What dbt's result says, by file: models built, rows each test returned, problems."""
    models, tests, problems = [], {}, []
    for node_result in result.result or []:
        node, status = node_result.node, str(node_result.status)
        where = f"sql/{node.original_file_path}"
        if status in PASSED:
            if node.resource_type == "model":
                models.append(model_of(node))
            else:
                tests[Path(where).name] = 0
        elif status == "warn":  # a test with `severity: warn` reports its rows, and passes
            tests[Path(where).name] = node_result.failures
        elif status == "fail":
            tests[Path(where).name] = node_result.failures
            problems.append(f"{where}: the assertion failed ({node_result.failures} rows returned)")
        elif status == "error":
            if node.resource_type == "test":
                tests[Path(where).name] = -1
            problems.append(f"{where}: {engine_message(node_result.message or status)}")
    return DbtRun(models, tests, problems)


def engine_message(message: str) -> str:
    """dbt's error without what the line already says: its header (which names the file),
    the caret under the SQL and the path of the compiled code."""
    lines = [line.strip() for line in message.strip().splitlines()]
    kept = [
        line
        for index, line in enumerate(lines)
        if line
        and not (index == 0 and " in model " in line)
        and not line.startswith(("^", "compiled code at", "compiled Code at"))
    ]
    return one_line("\n".join(kept))


def checked(run: DbtRun) -> DbtRun:
    """`run`, or a ProjectError with one line per failed model or test."""
    if run.problems:
        raise ProjectError(*run.problems)
    return run


def dbt_vars(params: Params) -> dict:
    """The params.yaml sections the models read with `var()`."""
    return {"features": params.features.model_dump(), "split": params.split.model_dump()}


def models(root: Path, params: Params) -> list[SqlModel]:
    """Every model of sql/, each after the models it refs (dbt parses the project)."""
    result = invoke(root, params, ["parse", *SILENT])
    if not result.success:
        raise ProjectError(f"dbt could not parse sql/: see {DBT_TARGET}/dbt.log")
    nodes = {uid: n for uid, n in result.result.nodes.items() if n.resource_type == "model"}
    graph = {uid: set(node.depends_on.nodes) & set(nodes) for uid, node in nodes.items()}
    ordered = TopologicalSorter(graph).static_order()
    return [model_of(nodes[uid]) for uid in ordered]


def compiled(root: Path, params: Params, select: tuple[str, ...] = ()) -> dict[str, str]:
    """Each model and test of sql/ (or those `select` names) as the engine runs it: `dbt compile`."""
    args = ["compile", *SILENT, *(["--select", *select] if select else [])]
    result = invoke(root, params, args)
    if not result.success:
        raise ProjectError(*(outcome(result).problems or [f"dbt could not compile sql/: {select}"]))
    return {r.node.name: r.node.compiled_code for r in result.result}


def translate(sql: str, dialect: str, read: str = "duckdb") -> str:
    """`sql`, written for `read`, in another engine's dialect (sqlglot)."""
    import sqlglot

    try:
        return sqlglot.transpile(sql, read=read, write=dialect, pretty=True)[0]
    except sqlglot.errors.ParseError as error:
        raise ProjectError(f"not valid {read} SQL: {one_line(str(error))}") from None


def masked(sql: str) -> str:
    """`sql` with the pseudonymisation salt (when one is set) shown as <salt>."""
    salt = os.environ.get(SALT_VARIABLE)
    return sql.replace(salt, "<salt>") if salt else sql


def model_of(node) -> SqlModel:
    path = Path(node.original_file_path)
    return SqlModel(node.name, path.parts[0], path)


def one_line(message: str) -> str:
    return " ".join(line.strip() for line in str(message).strip().splitlines() if line.strip())


@contextmanager
def environment_set(values: dict[str, str]) -> Iterator[None]:
    """The environment with `values` set, for dbt's env_var(); restored afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
