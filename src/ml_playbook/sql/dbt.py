"""Run the dbt project in a project's sql/ in-process, on the engine params.yaml names
(`sql.engine`).

dbt renders the models (`ref()`, `source()`, `var()`, the macros), orders them, builds them and
runs the assertion tests of sql/tests/. This module is the edge around it: the engine's session
(engines.py) puts the inputs in first and writes the tables of the models dbt built afterwards,
as Parquet files, into the folder the caller names — a stage names its staging folder, so
nothing replaces the previous tables unless every model and test passed and no table is empty.
One process: dbt's runner is called as a library, not as a second Python program.
"""

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from graphlib import TopologicalSorter
from pathlib import Path

from ..conventions import SQL_MODEL_LAYERS
from ..errors import ProjectError
from ..governance.tables import relation_sql
from ..project.paths import SQL_DIR
from .engines import session
from .messages import engine_message, one_line
from .nodes import DBT_TARGET, DUCKDB_DATABASE, DbtRun, SqlModel, model_of

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
SALT_VARIABLE = "PSEUDONYMISATION_SALT"  # read by a project's sql/macros/pseudonymise.sql


def build(
    project,
    layers: tuple[str, ...] = SQL_MODEL_LAYERS,
    into: Path | None = None,
    empty: str = "",
) -> DbtRun:
    """Build the models of `layers` and run the tests they can (`dbt build`). With `into`, and
    only when every model and test passed, write each model's table to `into/<model>.parquet`;
    a table with no rows is then a problem too (`empty`: what to check, for its message).
    Without `into` nothing is written (`sql test`)."""
    with session(project, layers) as engine:
        run = outcome(invoke(project, build_args(layers), engine.environment))
        if into is None or run.problems:
            return run
        written = [(model, into / f"{model.name}.parquet") for model in run.models]
        engine.export(written)
    rows = {model.name: row_count(path) for model, path in written}
    problems = [
        f"sql/{model.path.as_posix()}: the model built no rows: "
        + (empty or empty_hint(project.root / SQL_DIR / model.path))
        for model, _ in written
        if rows[model.name] == 0
    ]
    return DbtRun(run.models, run.tests, problems, rows)


# `var('features').window_months`, `var("split")["eval_from_month"]`, `var('seed')`: the
# params.yaml settings a model reads (sql.vars hands dbt whole sections). No nested quantifier:
# linear on any text.
VAR_READ = re.compile(
    r"""var\(\s*['"]([A-Za-z_]\w*)['"]\s*\)(?:\.([A-Za-z_]\w*)|\[\s*['"]([A-Za-z_]\w*)['"]\s*\])?"""
)


def empty_hint(model_file: Path) -> str:
    """What to check when `model_file` built no rows: the settings it reads, if any."""
    try:
        text = model_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    settings = dict.fromkeys(
        ".".join(part for part in match.groups() if part) for match in VAR_READ.finditer(text)
    )
    if not settings:
        return "check its filters and the data it reads"
    return (
        f"check params.yaml {', '.join(settings)} (the settings it reads) against the data it reads"
    )


def build_into(project, layers: tuple[str, ...], folder: Path, empty: str = "") -> DbtRun:
    """A stage's build: the models of `layers` written to `folder/<model>.parquet`, or a
    ProjectError with one line per failed model or test and per empty table."""
    return checked(build(project, layers, folder, empty))


def build_args(layers: tuple[str, ...]) -> list[str]:
    # `buildable`: a test runs once every model it reads is built here or upstream of what is,
    # so a stage building the first layers leaves the tests of the sets to the stage after.
    # Silent: the stage says what was built and how long it took; dbt's own log of the run
    # stays in sql/target/dbt.log, and its problems come back in the result.
    selected = [f"path:{layer}" for layer in layers]
    return ["build", "--select", *selected, "--indirect-selection", "buildable", *SILENT]


def invoke(project, args: list[str], environment: dict[str, str] | None = None):
    """dbt's result for `args` on sql/, with the params.yaml sections of `sql.vars` as vars."""
    from dbt.cli.main import dbtRunner

    sql_dir, target = project.root / SQL_DIR, project.root / DBT_TARGET
    if not (sql_dir / "dbt_project.yml").is_file():
        raise ProjectError(
            f"{SQL_DIR}/dbt_project.yml not found: the SQL models are a dbt project in "
            f"{SQL_DIR}/; restore it from the template"
        )
    variables = json.dumps(project.params.dbt_vars(), default=str)
    arguments = [
        *args,
        *("--project-dir", str(sql_dir), "--profiles-dir", str(sql_dir)),
        *("--target-path", str(target), "--log-path", str(target)),
        *("--target", project.params.sql.engine, "--vars", variables),
        *DBT_FLAGS,
    ]
    settings = {"DBT_DUCKDB_PATH": str(project.root / DUCKDB_DATABASE), **(environment or {})}
    with environment_set(settings):
        result = dbtRunner().invoke(arguments)
    if result.exception is not None:
        raise ProjectError(f"dbt could not run {SQL_DIR}/: {one_line(result.exception)}")
    return result


def outcome(result) -> DbtRun:
    """What dbt's result says, by file: models built, rows each test returned, problems."""
    models, tests, problems = [], {}, []
    for node_result in result.result or []:
        node, status = node_result.node, str(node_result.status)
        where = f"{SQL_DIR.as_posix()}/{node.original_file_path}"
        name = Path(where).name
        if status in PASSED:
            if node.resource_type == "model":
                models.append(model_of(node))
            else:
                tests[name] = 0
        elif status == "warn":  # a test with `severity: warn` reports its rows, and passes
            tests[name] = node_result.failures
        elif status == "fail":
            tests[name] = node_result.failures
            problems.append(f"{where}: the assertion failed ({node_result.failures} rows returned)")
        elif status == "error":
            if node.resource_type == "test":
                tests[name] = -1
            problems.append(f"{where}: {engine_message(node_result.message or status)}")
    return DbtRun(models, tests, problems)


def checked(run: DbtRun) -> DbtRun:
    """`run`, or a ProjectError with one line per failed model or test (or empty table)."""
    if run.problems:
        raise ProjectError(*run.problems)
    return run


def models(project) -> list[SqlModel]:
    """Every model of sql/, each after the models it refs (dbt parses the project)."""
    result = invoke(project, ["parse", *SILENT])
    if not result.success:
        raise ProjectError(f"dbt could not parse {SQL_DIR}/: see {DBT_TARGET}/dbt.log")
    nodes = {uid: n for uid, n in result.result.nodes.items() if n.resource_type == "model"}
    graph = {uid: set(node.depends_on.nodes) & set(nodes) for uid, node in nodes.items()}
    ordered = TopologicalSorter(graph).static_order()
    return [model_of(nodes[uid]) for uid in ordered]


def compiled(project, select: tuple[str, ...] = ()) -> dict[str, str]:
    """Each model and test of sql/ (or those `select` names) as the engine runs it: `dbt compile`."""
    args = ["compile", *SILENT, *(["--select", *select] if select else [])]
    result = invoke(project, args)
    if not result.success:
        problems = outcome(result).problems
        raise ProjectError(*(problems or [f"dbt could not compile {SQL_DIR}/: {select}"]))
    return {r.node.name: r.node.compiled_code for r in result.result}


def translate(sql: str, dialect: str, read: str = "duckdb") -> str:
    """`sql`, written for `read`, in another engine's dialect (sqlglot)."""
    import sqlglot

    try:
        return sqlglot.transpile(sql, read=read, write=dialect, pretty=True)[0]
    except sqlglot.errors.ParseError as error:
        raise ProjectError(f"not valid {read} SQL: {one_line(error)}") from None


def masked(sql: str) -> str:
    """`sql` with the pseudonymisation salt (when one is set) shown as <salt>."""
    salt = os.environ.get(SALT_VARIABLE)
    return sql.replace(salt, "<salt>") if salt else sql


def row_count(path: Path) -> int:
    """Rows of a Parquet file, from its footer."""
    from ..stage import in_memory_duckdb

    with in_memory_duckdb() as connection:
        return connection.execute(f"select count(*) from {relation_sql(path)}").fetchone()[0]


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
