"""The project's command (named after the package): one entry point, a subcommand per job.

Heavy libraries (pandas, scikit-learn, MLflow) are imported inside the commands that use
them, so `--help` answers at once.
"""

import json
import platform
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from ml_playbook.conventions import SQL_DIALECTS

from . import __distribution__, __summary__, __version__
from .errors import ProjectError
from .evaluation.cli import DEFAULT_MODEL
from .evaluation.cli import ModelOption as ReferenceOption
from .evaluation.cli import app as evaluation_app
from .monitoring.cli import app as monitoring_app
from .paths import project_root
from .release.cli import app as release_app
from .serving.cli import app as serving_app

PROGRAM = __package__  # the command has the package's name

app = typer.Typer(
    name=PROGRAM,
    help=__summary__,
    no_args_is_help=True,
    add_completion=False,
)
data_app = typer.Typer(
    help="Data stages: synthesize, generate (SQL), validate, split.", no_args_is_help=True
)
sql_app = typer.Typer(
    help="The SQL models in sql/: list, show (any dialect), test.", no_args_is_help=True
)
registry_app = typer.Typer(help="The MLflow model registry.", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(sql_app, name="sql")
app.add_typer(registry_app, name="registry")
app.add_typer(evaluation_app, name="eval")
app.add_typer(serving_app)  # serve
app.add_typer(release_app, name="release")
app.add_typer(monitoring_app)  # monitor

ParamsOption = Annotated[
    Path | None, typer.Option("--params", help="params file (default: the project's params.yaml)")
]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"{PROGRAM} {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Run `COMMAND --help` for what each command does."""


@contextmanager
def reported_errors() -> Iterator[None]:
    """The one error handler: the project's errors become `error:` lines (one per problem), exit 1."""
    try:
        yield
    except ProjectError as error:
        for problem in error.problems:
            typer.secho(f"error: {problem}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from None


def _stage_command(group: typer.Typer, name: str, summary: str) -> Callable:
    def command(params: ParamsOption = None) -> None:
        from .config import load_params
        from .pipeline import run_stage

        with reported_errors():
            run_stage(name, project_root(), load_params(params))

    command.__doc__ = summary
    return group.command(name)(command)


_stage_command(data_app, "synthesize", "Write the bundled synthetic source tables to data/raw/.")
_stage_command(data_app, "generate", "Run the SQL staging and feature models; write data/interim/.")
_stage_command(
    data_app, "validate", "Check the feature table against its schema; write the data report."
)
_stage_command(
    data_app, "split", "Run the SQL set models: the time-based training and evaluation sets."
)
_stage_command(
    data_app,
    "screen",
    "Scan sources and sets for personal data; fail on undeclared PII or identifiers in sets.",
)
_stage_command(app, "train", "Fit the model that params.yaml describes on the training set.")
_stage_command(app, "evaluate", "Metrics on every test set and per slice; plots and predictions.")
_stage_command(app, "register", "Log the run to MLflow, register the model, promote it if it wins.")


@data_app.command("scan")
def data_scan(
    path: Annotated[
        Path, typer.Argument(help="a data set (Parquet, CSV), a text file or a folder")
    ],
    output_format: Annotated[
        str, typer.Option("--format", help="text (a readable report) or json (for tools)")
    ] = "text",
) -> None:
    """Find personal data in a file or folder; exit 1 if any is found.

    Tables are scanned column by column in DuckDB; text line by line. Values in
    .pii-allowlist and lines marked `pii: allow` are not reported. National phone formats
    are tried for the regions of `[tool.ml-playbook] pii-phone-regions` in pyproject.toml.
    """
    from ml_playbook import pii

    from .governance.screening import scan

    with reported_errors():
        if output_format not in {"text", "json"}:
            raise ProjectError(f"unknown format '{output_format}': use text or json")
        findings = list(scan(path, project_root()))
    if output_format == "json":
        typer.echo(json.dumps([finding.as_dict() for finding in findings], indent=2))
    elif not findings:
        typer.echo(f"no personal data found in {path}")
    for finding in findings if output_format == "text" else []:
        where = f"column {finding.column}" if finding.column else f"line {finding.line}"
        kind = pii.KINDS_BY_NAME[finding.kind].description
        typer.echo(f"{finding.path}: {where}: {kind} x{finding.count} (e.g. {finding.example})")
    if findings:
        raise typer.Exit(code=1)


@app.command()
def predict(
    data: Annotated[
        Path | None,
        typer.Argument(
            help="examples: CSV or Parquet (any data set), JSON (an object or a list of "
            "objects) or JSON Lines",
            show_default=False,
        ),
    ] = None,
    example: Annotated[
        list[str] | None,
        typer.Option(
            "--example",
            "-e",
            help="one example typed as field=value pairs separated by commas, e.g. "
            "'plan=basic,country=KR,tenure_months=3,...' (repeatable; `eval schema` lists "
            "the fields and the values each takes)",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="write predictions here (.csv/.parquet)")
    ] = None,
    model: ReferenceOption = DEFAULT_MODEL,
    params: ParamsOption = None,
) -> None:
    """Predict for hand-made examples or any data set, and plot the predictions.

    Give a file, or --example field=value,... once per example, or both.
    Each example is checked first: a missing or unknown field, a value that
    is not a number, a category the model never saw is an error naming the
    row and the field (`eval schema` lists what the model takes). A plot and
    a summary go to reports/analysis/predictions/.
    """
    from .config import load_params
    from .evaluation import references
    from .evaluation.example_input import read_all
    from .evaluation.examples import checked
    from .evaluation.predictions import write_report
    from .models.analysis import predictions
    from .stages import write_table

    with reported_errors():
        root, loaded = project_root(), load_params(params)
        sources = read_all([data] if data is not None else [], example or [])
        chosen = references.load(root, loaded.registry.model_name, model)
        frame = checked(sources, loaded.train, chosen.model)
        table = predictions(loaded, chosen.model, frame)
        if output is not None:
            write_table(output, table)
        named = " and ".join(source.source for source in sources)
        page = write_report(root, loaded, table, chosen.reference.label, named, output)
    if output is None:
        typer.echo(table.to_string(index=False, max_rows=50))
    else:
        typer.echo(f"wrote {len(table)} predictions to {output}")
    typer.echo(f"report: {page.relative_to(root)}")


LabelledData = Annotated[
    Path, typer.Argument(help="CSV, Parquet, JSON or JSON Lines with the features and the label")
]


def _model_and_data(data: Path, model: str, params: Path | None):
    """params.yaml, the chosen model and `data` checked as that model's input."""
    from .config import load_params
    from .evaluation import references
    from .evaluation.examples import gather

    loaded = load_params(params)
    chosen = references.load(project_root(), loaded.registry.model_name, model)
    return loaded, chosen, gather([data], [], loaded.train, chosen.model)


@app.command()
def score(
    data: LabelledData,
    model: ReferenceOption = DEFAULT_MODEL,
    params: ParamsOption = None,
) -> None:
    """Compute the standard metrics of the model on a chosen data set."""
    from .models.analysis import metrics

    with reported_errors():
        loaded, chosen, frame = _model_and_data(data, model, params)
        values = metrics(loaded, chosen.model, frame)
    for name, value in values.items():
        typer.echo(f"{name:>18}: {value:.4f}")


@app.command()
def explain(
    data: LabelledData,
    top: Annotated[int, typer.Option(min=1, help="how many features to show")] = 10,
    model: ReferenceOption = DEFAULT_MODEL,
    params: ParamsOption = None,
) -> None:
    """Show which features most influence the model's predictions on a data set."""
    from .models.analysis import feature_importance

    with reported_errors():
        loaded, chosen, frame = _model_and_data(data, model, params)
        importance = feature_importance(loaded, chosen.model, frame)
    typer.echo(
        f"permutation importance (how much {loaded.evaluate.primary_metric} worsens when shuffled):"
    )
    for name, value in importance.head(top).items():
        typer.echo(f"  {name:<26} {value:+.4f}")


@app.command()
def tune(
    top: Annotated[int, typer.Option(min=1, help="how many candidates to show")] = 5,
    params: ParamsOption = None,
) -> None:
    """Grid-search the hyperparameters of train.search (time-ordered folds of the training set).

    Prints the best candidates and how the configured train.hyperparameters compare; exits 1
    when they score worse than the best by more than train.search.tolerance.
    """
    from .config import load_params
    from .models.tuning import search
    from .paths import TRAINING_SET
    from .stages import read_parquet

    with reported_errors():
        loaded = load_params(params)
        result = search(loaded, read_parquet(project_root(), TRAINING_SET, "split"))
        typer.echo(f"{result.metric} (mean over the folds) of {len(result.candidates)} candidates:")
        for candidate in result.candidates[:top]:
            typer.echo(f"  {candidate.score:.4f}  {candidate.hyperparameters}")
        configured = result.configured
        typer.echo(f"configured: {configured.score:.4f}  {configured.hyperparameters}")
        typer.echo(f"shortfall:  {result.shortfall:.4f} (tolerance {result.tolerance:g})")
        if not result.within_tolerance:
            raise ProjectError(
                f"the configured hyperparameters score {result.shortfall:.4f} below the best "
                f"({result.metric} {result.best.score:.4f}): set train.hyperparameters to "
                f"{result.best.hyperparameters} in params.yaml"
            )


@app.command("run-pipeline")
def run_pipeline(params: ParamsOption = None) -> None:
    """Run every stage in order in this process (the pipeline without DVC)."""
    from .config import load_params
    from .pipeline import run_all

    with reported_errors():
        run_all(project_root(), load_params(params))


@app.command()
def readiness(
    floor: Annotated[
        float | None,
        typer.Option(help="exit 1 below this score (default: readiness.floor in params.yaml)"),
    ] = None,
    params: ParamsOption = None,
) -> None:
    """The ML Test Score from evidence in the repository: marked tests, CI, write-ups.

    Prints each of the 28 items with its evidence and points, the section sums and the
    final score (the lowest section); writes reports/readiness/ (JSON and HTML).
    """
    from .config import load_params
    from .paths import READINESS_REPORT
    from .readiness import report, score

    with reported_errors():
        root, settings = project_root(), load_params(params).readiness
        result = score.compute(root, settings.manual_max_age_days)
        report.write(
            result,
            root / READINESS_REPORT / "readiness.json",
            root / READINESS_REPORT / "index.html",
        )
        for line in report.lines_for_terminal(result):
            typer.echo(line)
        typer.echo(f"wrote {READINESS_REPORT}/readiness.json and {READINESS_REPORT}/index.html")
        least = settings.floor if floor is None else floor
        if result.final < least:
            raise ProjectError(
                f"the ML Test Score {result.final:g} is below the floor {least:g}: raise the "
                "items at 0 (see docs/readiness.md), or lower readiness.floor in params.yaml"
            )


@app.command()
def info() -> None:
    """Print the version, the Python in use and the project root the commands work in."""
    typer.echo(f"project:      {__distribution__} {__version__} (package {PROGRAM})")
    typer.echo(f"python:       {platform.python_version()}")
    typer.echo(f"project root: {project_root()}")


@sql_app.command("list")
def sql_list(params: ParamsOption = None) -> None:
    """List the SQL models in run order, with their layer and file."""
    from .config import load_params
    from .data import sql_project
    from .paths import SQL_DIR

    with reported_errors():
        ordered = sql_project.models(project_root(), load_params(params))
    for model in ordered:
        typer.echo(f"{model.layer:<9} {model.name:<28} {SQL_DIR / model.path}")


@sql_app.command("show")
def sql_show(
    model: Annotated[str, typer.Argument(help="model name, e.g. stg_customers")],
    dialect: Annotated[
        str | None,
        typer.Option(
            help=f"engine to translate for: {', '.join(SQL_DIALECTS)} (default: sql.engine)"
        ),
    ] = None,
    params: ParamsOption = None,
) -> None:
    """Print a model as dbt compiles it for sql.engine, or translated for another engine (the
    salt is masked)."""
    from .config import load_params
    from .data import sql_project

    with reported_errors():
        if dialect is not None and dialect not in SQL_DIALECTS:
            raise ProjectError(f"unknown dialect '{dialect}': use one of {', '.join(SQL_DIALECTS)}")
        root, loaded = project_root(), load_params(params)
        if model not in {found.name for found in sql_project.models(root, loaded)}:
            raise ProjectError(f"no model '{model}': `{PROGRAM} sql list` shows them")
        code = sql_project.compiled(root, loaded, (model,))[model]
        if dialect is not None and dialect != loaded.sql.engine:
            code = sql_project.translate(code, dialect, read=loaded.sql.engine)
    typer.echo(sql_project.masked(code))


@sql_app.command("test")
def sql_test(params: ParamsOption = None) -> None:
    """Build every model on sql.engine and run the assertions of sql/tests/ (dbt build; each
    must return no rows); writes no data files."""
    from .config import load_params
    from .data import sql_project

    with reported_errors():
        run = sql_project.build(project_root(), load_params(params), export=False)
        for name, rows in sorted(run.tests.items()):
            status = {0: "passed", -1: "could not run"}.get(rows, f"FAILED ({rows} rows)")
            typer.echo(f"{name:<45} {status}")
        sql_project.checked(run)


@registry_app.command("show")
def registry_show(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for tools")] = False,
    params: ParamsOption = None,
) -> None:
    """List the registered model's versions, their aliases (champion, challenger) and metrics."""
    from .config import load_params
    from .models.registry import registry_state

    with reported_errors():
        loaded = load_params(params)
        name = loaded.registry.model_name
        versions = registry_state(project_root(), name)
    if as_json:
        typer.echo(json.dumps({"model": name, "versions": versions}, indent=2))
        return
    if not versions:
        typer.echo(f"no versions of '{name}' yet: run `make pipeline`")
    metric = loaded.evaluate.primary_metric
    for row in versions:
        aliases = ", ".join(row["aliases"]) or "-"
        value = row["metrics"].get(metric)
        shown = f"{value:.4f}" if value is not None else "n/a"
        typer.echo(f"v{row['version']:<4} {aliases:<22} {metric}={shown}  run {row['run_id']}")


@registry_app.command("ui")
def registry_ui(
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 5000,
) -> None:
    """Browse the runs and the registry of the tracking store (local: http://127.0.0.1:5000)."""
    import subprocess
    import sys

    from .models.registry import tracking_uri

    uri = tracking_uri(project_root())
    command = [
        sys.executable,
        "-m",
        "mlflow",
        "ui",
        "--backend-store-uri",
        uri,
        "--port",
        str(port),
    ]
    raise typer.Exit(code=subprocess.run(command, check=False).returncode)
