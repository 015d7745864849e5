"""`<package> eval …`: judge any model — a file or a registry version — on the test sets of
params.yaml, and write an HTML report per command under reports/analysis/ (index.html links them).

Each command imports pandas, scikit-learn or MLflow only when it runs, so `--help` is instant.
"""

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ProjectError
from ..paths import MODEL, project_root

app = typer.Typer(
    help="Judge models on the test sets: metrics and slices, mistakes, attributions, "
    "comparisons, history. Reports: reports/analysis/index.html.",
    no_args_is_help=True,
)

DEFAULT_MODEL = MODEL.as_posix()  # the model file the pipeline trains
ParamsOption = Annotated[
    Path | None, typer.Option("--params", help="params file (default: the project's params.yaml)")
]
ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        help="a model file, or a registry reference: champion, challenger, v3, "
        "champion@YYYY-MM-DD (the champion on that date), models:/name/3",
    ),
]
SetsOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="a test set of params.yaml test_sets (repeatable; default: all)"),
]


def _errors():
    from ..cli import reported_errors

    return reported_errors()


def _setup(params_path: Path | None):
    from ..config import load_params

    return project_root(), load_params(params_path)


def _echo_frame(frame, max_rows: int = 40) -> None:
    typer.echo(frame.to_string(index=False, max_rows=max_rows, float_format="{:.4f}".format))


def option_pairs(texts: list[str], option: str, form: str, example: str) -> dict[str, str]:
    """The `key=value` pairs of a repeatable option (--where, --param, --tag); a malformed one
    is an error that names the option and shows how to write it."""
    pairs = {}
    for text in texts:
        key, equals, value = text.partition("=")
        if not equals or not key.strip():
            raise ProjectError(f"{option} '{text}': write {form}, e.g. {example}")
        pairs[key.strip()] = value.strip()
    return pairs


def where_pairs(texts: list[str] | None) -> dict[str, str]:
    """The `--where column=value` filters of `mistakes` and `attribute`."""
    return option_pairs(texts or [], "--where", "column=value", "country=KR")


@app.command("sets")
def sets_command(params: ParamsOption = None) -> None:
    """List the test sets: name, where the rows come from, slice columns, owner."""
    with _errors():
        root, loaded = _setup(params)
    for spec in loaded.test_sets:
        state = "" if (root / spec.path).is_file() else "  (not made yet: `make pipeline`)"
        slices = ", ".join(spec.slices) or "-"
        typer.echo(
            f"{spec.name:<12} {spec.path.as_posix():<36} slices: {slices:<28} "
            f"owner: {spec.owner}{state}"
        )


@app.command("metrics")
def metrics_command(
    model: ModelOption = DEFAULT_MODEL,
    sets: SetsOption = None,
    params: ParamsOption = None,
) -> None:
    """Every metric of a model on each test set, and per slice.

    Each slice shows its row count; a slice smaller than evaluate.min_slice_rows is flagged.
    """
    import pandas as pd

    from . import references, reports
    from .sets import score_set, select
    from .slices import slice_table, small_slices

    with _errors():
        root, loaded = _setup(params)
        chosen = references.load(root, loaded.registry.model_name, model)
        results = [
            score_set(root, loaded, chosen.model, spec) for spec in select(loaded.test_sets, sets)
        ]
    overall = pd.DataFrame([{"set": r.spec.name, "rows": r.rows, **r.metrics} for r in results])
    slices = pd.concat(
        [
            slice_table(r, loaded.task, loaded.evaluate.threshold, loaded.evaluate.min_slice_rows)
            for r in results
        ],
        ignore_index=True,
    )
    typer.echo(f"model: {chosen.reference.label}")
    _echo_frame(overall)
    if not slices.empty:
        typer.echo("\nper slice:")
        _echo_frame(slices.drop(columns=["warning"]), max_rows=200)
    for line in small_slices(slices):
        typer.secho(f"warning: {line}", fg=typer.colors.YELLOW, err=True)
    page = reports.write_page(
        root,
        "metrics",
        f"Metrics of {chosen.reference.label}",
        [
            reports.heading("Each test set"),
            reports.table(overall),
            reports.heading("Per slice"),
            *[reports.paragraph(line, warning=True) for line in small_slices(slices)],
            reports.table(slices) if not slices.empty else reports.paragraph("no slices declared"),
        ],
    )
    typer.echo(f"report: {page.relative_to(root)}")


@app.command("compare")
def compare_command(
    models: Annotated[
        list[str],
        typer.Argument(
            help="the baseline first, then one or more candidates: files or registry "
            "references (champion, v3, champion@2025-01-31)"
        ),
    ],
    metric: Annotated[
        list[str] | None,
        typer.Option("--metric", help="metric to compare (repeatable; default: the primary)"),
    ] = None,
    sets: SetsOption = None,
    resamples: Annotated[int, typer.Option(min=50, help="bootstrap resamples")] = 1000,
    confidence: Annotated[
        float, typer.Option(min=0.5, max=0.999, help="confidence of the intervals")
    ] = 0.95,
    params: ParamsOption = None,
) -> None:
    """Compare models on the same test sets, with confidence intervals and a verdict.

    Metric deltas (candidate minus baseline) with paired bootstrap intervals; the verdict is
    better, worse, or no evidence of a difference.
    """
    import json

    import pandas as pd
    from rich.progress import Progress

    from ..models.metrics import METRICS
    from . import references, reports
    from .compare import difference_figure, paired_bootstrap
    from .sets import score_set, select

    with _errors():
        if len(models) < 2:
            raise ProjectError("give a baseline and at least one candidate to compare with it")
        root, loaded = _setup(params)
        wanted = metric or [loaded.evaluate.primary_metric]
        unknown = [name for name in wanted if name not in METRICS[loaded.task]]
        if unknown:
            raise ProjectError(
                f"unknown metric {', '.join(unknown)}: use one of {', '.join(METRICS[loaded.task])}"
            )
        chosen = [references.load(root, loaded.registry.model_name, text) for text in models]
        specs = select(loaded.test_sets, sets)
        scored = [[score_set(root, loaded, c.model, spec) for spec in specs] for c in chosen]
    baseline, rows = chosen[0], []
    parts = [reports.paragraph(f"baseline: {baseline.reference.label}")]
    with Progress(transient=True) as progress:
        for candidate, candidate_scores in zip(chosen[1:], scored[1:], strict=True):
            differences = []
            for old, new in zip(scored[0], candidate_scores, strict=True):
                for name in wanted:
                    task_id = progress.add_task(f"{new.spec.name} {name}", total=resamples)
                    differences.append(
                        paired_bootstrap(
                            loaded.task,
                            name,
                            old.label,
                            old.scores,
                            new.scores,
                            threshold=loaded.evaluate.threshold,
                            resamples=resamples,
                            confidence=confidence,
                            seed=loaded.seed,
                            test_set=new.spec.name,
                            advance=lambda task_id=task_id: progress.advance(task_id),
                        )
                    )
            rows += [{"model": candidate.reference.text, **d.as_dict()} for d in differences]
            figure = difference_figure(
                differences, baseline.reference.text, candidate.reference.text
            )
            folder = root / reports.ANALYSIS_REPORTS / "compare"
            name = reports.write_figure(folder, f"compare-{len(parts)}.png", figure)
            parts += [
                reports.heading(f"candidate: {candidate.reference.label}"),
                reports.table(pd.DataFrame([d.as_dict() for d in differences])),
                reports.image(name, f"{candidate.reference.text} minus baseline"),
            ]
    table = pd.DataFrame(rows)
    columns = ["model", "test_set", "metric", "baseline", "candidate", "delta", "low", "high"]
    _echo_frame(table[[*columns, "verdict"]])
    folder = root / reports.ANALYSIS_REPORTS / "compare"
    (folder / "comparison.json").write_text(json.dumps(rows, indent=2) + "\n")
    page = reports.write_page(root, "compare", "Model comparison", parts)
    typer.echo(f"report: {page.relative_to(root)}")


@app.command("mistakes")
def mistakes_command(
    model: ModelOption = DEFAULT_MODEL,
    test_set: Annotated[
        str | None, typer.Option("--set", help="the test set (default: the primary)")
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", help="keep rows where column=value (repeatable), e.g. country=KR"),
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="how many examples to show")] = 20,
    params: ParamsOption = None,
) -> None:
    """The examples the model got most wrong, by loss, with their feature values.

    Also where the errors fall across the set's slices (mean loss per slice value).
    """
    from . import references, reports
    from .mistakes import loss_by_slice, mistakes, mistakes_figure
    from .sets import score_set, select

    with _errors():
        root, loaded = _setup(params)
        filters = where_pairs(where)
        spec = select(loaded.test_sets, [test_set] if test_set else None)[0]
        chosen = references.load(root, loaded.registry.model_name, model)
        table = mistakes(score_set(root, loaded, chosen.model, spec), loaded.task, filters)
    shown = table.head(top)
    typer.echo(f"{len(table)} examples of '{spec.name}'; the {len(shown)} most wrong:")
    _echo_frame(shown)
    by_slice = loss_by_slice(table, spec.slices)
    folder = root / reports.ANALYSIS_REPORTS / "mistakes"
    figure = reports.write_figure(folder, "mistakes.png", mistakes_figure(table, by_slice))
    table.to_csv(folder / "mistakes.csv", index=False)
    condition = ", ".join(f"{k}={v}" for k, v in filters.items()) or "all rows"
    page = reports.write_page(
        root,
        "mistakes",
        f"Mistakes of {chosen.reference.label} on {spec.name}",
        [
            reports.paragraph(f"{len(table)} examples ({condition}); all in mistakes.csv"),
            reports.image(figure, "loss distribution and loss per slice"),
            reports.heading("Where errors fall"),
            reports.table(by_slice),
            reports.heading(f"The {len(shown)} most wrong"),
            reports.table(shown),
        ],
    )
    typer.echo(f"report: {page.relative_to(root)}")


@app.command("attribute")
def attribute_command(
    model: ModelOption = DEFAULT_MODEL,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="a CSV, Parquet, JSON or JSON Lines file of examples (default: a test set)",
        ),
    ] = None,
    test_set: Annotated[
        str | None, typer.Option("--set", help="the test set (default: the primary)")
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", help="explain rows where column=value (repeatable)"),
    ] = None,
    rows: Annotated[int, typer.Option(min=1, max=50, help="how many examples to explain")] = 5,
    top: Annotated[int, typer.Option(min=1, help="features shown per example")] = 10,
    params: ParamsOption = None,
) -> None:
    """Which features pushed each prediction up or down, with a plot per example.

    Exact for a linear model (coefficient × centred value); other models need SHAP
    (`uv run --with shap ...`). Relative to the average over a sample of the training set.
    """
    from ..models import inputs
    from ..paths import TRAINING_SET
    from ..stages import read_parquet
    from . import references, reports
    from .attributions import attribute, example_figure, example_table
    from .examples import gather
    from .sets import read_set, select

    with _errors():
        root, loaded = _setup(params)
        filters = where_pairs(where)
        chosen = references.load(root, loaded.registry.model_name, model)
        if data is not None:
            frame, source = gather([data], [], loaded.train, chosen.model), str(data)
        else:
            spec = select(loaded.test_sets, [test_set] if test_set else None)[0]
            frame, source = read_set(root, spec), spec.name
        for column, value in filters.items():
            if column not in frame.columns:
                raise ProjectError(f"--where {column}=…: {source} has no column {column}")
            frame = frame[frame[column].astype(str) == value]
        frame = frame.head(rows).reset_index(drop=True)
        if frame.empty:
            raise ProjectError(f"no rows of {source} to explain: loosen --where")
        background = read_parquet(root, TRAINING_SET, "split").sample(
            n=200, replace=True, random_state=loaded.seed
        )
        features = inputs.features(frame, loaded.train)
        found = attribute(chosen.model, features, inputs.features(background, loaded.train))
    outputs = found.output_values()
    folder = root / reports.ANALYSIS_REPORTS / "attributions"
    parts = [
        reports.paragraph(
            f"{chosen.reference.label} on {source}; method: {found.method}; "
            f"output in {found.output}; base value: {found.base[0]:.4f}"
        )
    ]
    for row in range(len(frame)):
        table = example_table(found, features, row).head(top)
        title = f"example {row + 1}: output {outputs[row]:.4f} ({found.output})"
        typer.echo(f"\n{title}")
        _echo_frame(table)
        name = reports.write_figure(
            folder, f"example-{row + 1}.png", example_figure(table, title, found.output)
        )
        parts += [reports.heading(title), reports.image(name, title), reports.table(table)]
    page = reports.write_page(root, "attributions", "Per-prediction attributions", parts)
    typer.echo(f"report: {page.relative_to(root)}")


@app.command("history")
def history_command(
    metric: Annotated[
        str | None, typer.Option("--metric", help="metric to chart (default: the primary)")
    ] = None,
    since: Annotated[str | None, typer.Option(help="runs from this date (YYYY-MM-DD)")] = None,
    until: Annotated[str | None, typer.Option(help="runs up to this date (YYYY-MM-DD)")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="keep runs with this param, e.g. train.model=linear"),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="keep runs with this tag, key=value")
    ] = None,
    params: ParamsOption = None,
) -> None:
    """Every logged run in one table, a summary, and each metric's history.

    Filter runs by params, tags and dates; the history is per test set, with champion's moves
    marked.
    """
    from ..release.record import history as recorded_moves
    from . import reports
    from .history import (
        champion_changes,
        filter_runs,
        history_figure,
        load_runs,
        metric_history,
        summary,
    )
    from .references import parse_moment, registry_client

    with _errors():
        root, loaded = _setup(params)
        chosen_metric = metric or loaded.evaluate.primary_metric
        runs = filter_runs(
            load_runs(root, loaded.registry.model_name),
            since=parse_moment(since, end_of_day=False) if since else None,
            until=parse_moment(until) if until else None,
            params=option_pairs(param or [], "--param", "key=value", "train.model=linear"),
            tags=option_pairs(tag or [], "--tag", "key=value", "owner=data-science"),
        )
        changes = champion_changes(
            recorded_moves(registry_client(root), loaded.registry.model_name)
        )
    names = [spec.name for spec in loaded.test_sets]
    history = metric_history(runs, chosen_metric, names)
    totals = summary(runs)
    typer.echo(f"{len(runs)} runs")
    if not runs.empty:
        _echo_frame(totals)
    folder = root / reports.ANALYSIS_REPORTS / "history"
    folder.mkdir(parents=True, exist_ok=True)
    runs.to_csv(folder / "runs.csv", index=False)
    figure = reports.write_figure(
        folder, "history.png", history_figure(history, changes, chosen_metric)
    )
    page = reports.write_page(
        root,
        "history",
        f"Run history: {chosen_metric}",
        [
            reports.paragraph(f"{len(runs)} runs; every column of every run in runs.csv"),
            reports.image(figure, f"{chosen_metric} over time"),
            reports.heading("Summary"),
            reports.table(totals),
            reports.heading("Champion moves"),
            reports.table(changes),
            reports.heading(f"{chosen_metric} per run and test set"),
            reports.table(history),
        ],
    )
    typer.echo(f"report: {page.relative_to(root)}")


@app.command("schema")
def schema_command(model: ModelOption = DEFAULT_MODEL, params: ParamsOption = None) -> None:
    """The fields an example needs, and the values the model knows for each category."""
    from . import references
    from .examples import known_categories

    with _errors():
        root, loaded = _setup(params)
        chosen = references.load(root, loaded.registry.model_name, model)
    known = known_categories(chosen.model)
    for column in loaded.train.numeric_features:
        typer.echo(f"{column:<26} number")
    for column in loaded.train.categorical_features:
        typer.echo(f"{column:<26} one of: {', '.join(known.get(column, ['(any)']))}")


@app.command("report")
def report_command() -> None:
    """Rebuild reports/analysis/index.html, the page linking every report."""
    from .reports import write_index

    root = project_root()
    typer.echo(f"report index: {write_index(root).relative_to(root)}")
