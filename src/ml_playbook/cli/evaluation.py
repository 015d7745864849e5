"""`<package> eval …`: judge any model — a file or a registry version — on the test sets of
params.yaml, and write an HTML report per command under reports/analysis/ (index.html links them).

Each command imports pandas, scikit-learn or the registry only when it runs, so `--help` is
instant.
"""

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ProjectError
from ..project import ProjectSpec
from .common import (
    DEFAULT_MODEL,
    Apps,
    ModelOption,
    ParamsOption,
    echo_frame,
    open_project,
    reported_errors,
)

HELP = (
    "Judge models on the test sets: metrics and slices, mistakes, attributions, "
    "comparisons, history. Reports: reports/analysis/index.html."
)
SetsOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="a test set of params.yaml test_sets (repeatable; default: all)"),
]
SetOption = Annotated[str | None, typer.Option("--set", help="the test set (default: the primary)")]


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


def register(apps: Apps, spec: ProjectSpec) -> None:
    """Add the `eval` group and its commands to the project's command."""
    group = typer.Typer(help=HELP, no_args_is_help=True)

    @group.command("sets")
    def sets_command(params: ParamsOption = None) -> None:
        """List the test sets: name, where the rows come from, slice columns, owner."""
        with reported_errors():
            project = open_project(spec, params)
        for test_set in project.params.test_sets:
            made = project.path(test_set.path).is_file()
            state = "" if made else "  (not made yet: `make pipeline`)"
            slices = ", ".join(test_set.slices) or "-"
            typer.echo(
                f"{test_set.name:<12} {test_set.path.as_posix():<36} slices: {slices:<28} "
                f"owner: {test_set.owner}{state}"
            )

    @group.command("metrics")
    def metrics_command(
        model: ModelOption = DEFAULT_MODEL,
        sets: SetsOption = None,
        params: ParamsOption = None,
    ) -> None:
        """Every metric of a model on each test set, and per slice.

        Each slice shows its row count; a slice smaller than evaluate.min_slice_rows is flagged.
        """
        import pandas as pd

        from ..evaluation import references, reports
        from ..evaluation.sets import score_sets
        from ..evaluation.slices import all_slices, small_slices

        with reported_errors():
            project = open_project(spec, params)
            chosen = references.load(project, model)
            results = score_sets(project, chosen.model, sets)
            slices = all_slices(project, results)
        overall = pd.DataFrame([{"set": r.spec.name, "rows": r.rows, **r.metrics} for r in results])
        typer.echo(f"model: {chosen.reference.label}")
        echo_frame(overall)
        if not slices.empty:
            typer.echo("\nper slice:")
            echo_frame(slices.drop(columns=["warning"]), max_rows=200)
        warnings = small_slices(slices)
        for line in warnings:
            typer.secho(f"warning: {line}", fg=typer.colors.YELLOW, err=True)
        page = reports.write_page(
            project.root,
            "metrics",
            f"Metrics of {chosen.reference.label}",
            [
                reports.heading("Each test set"),
                reports.table(overall),
                reports.heading("Per slice"),
                *[reports.paragraph(line, warning=True) for line in warnings],
                reports.table(slices)
                if not slices.empty
                else reports.paragraph("no slices declared"),
            ],
        )
        typer.echo(f"report: {page.relative_to(project.root)}")

    @group.command("compare")
    def compare_command(
        models: Annotated[
            list[str],
            typer.Argument(
                help="the reference model first, then one or more candidates: files, registry "
                "references (champion, v3, champion@2025-01-31), or `baseline` (the one-feature "
                "model of the launch criteria)"
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

        Metric deltas (candidate minus baseline) with paired bootstrap intervals; the verdict
        is better, worse, or no evidence of a difference.
        """
        import json

        import pandas as pd
        from rich.progress import Progress

        from ..evaluation import references, reports
        from ..evaluation.compare import difference_figure, paired_bootstrap
        from ..evaluation.sets import score_sets
        from ..modeling.metrics import named

        with reported_errors():
            if len(models) < 2:
                raise ProjectError("give a baseline and at least one candidate to compare with it")
            project = open_project(spec, params)
            settings = project.params
            try:
                wanted = named(
                    project.metrics, metric or [settings.evaluate.primary_metric], "--metric"
                )
            except ValueError as error:
                raise ProjectError(str(error)) from None
            chosen = [references.load(project, text) for text in models]
            scored = [score_sets(project, c.model, sets) for c in chosen]
        baseline, rows = chosen[0], []
        folder = project.root / reports.ANALYSIS_REPORTS / "compare"
        parts = [reports.paragraph(f"baseline: {baseline.reference.label}")]
        with Progress(transient=True) as progress:
            for candidate, candidate_scores in zip(chosen[1:], scored[1:], strict=True):
                differences = []
                for old, new in zip(scored[0], candidate_scores, strict=True):
                    for name in wanted:
                        task_id = progress.add_task(f"{new.spec.name} {name}", total=resamples)
                        differences.append(
                            paired_bootstrap(
                                name,
                                project.metrics[name],
                                old.label,
                                old.scores,
                                new.scores,
                                threshold=settings.evaluate.threshold,
                                resamples=resamples,
                                confidence=confidence,
                                seed=settings.seed,
                                test_set=new.spec.name,
                                advance=lambda task_id=task_id: progress.advance(task_id),
                            )
                        )
                rows += [{"model": candidate.reference.text, **d.as_dict()} for d in differences]
                figure = difference_figure(
                    differences, baseline.reference.text, candidate.reference.text
                )
                name = reports.write_figure(folder, f"compare-{len(parts)}.png", figure)
                parts += [
                    reports.heading(f"candidate: {candidate.reference.label}"),
                    reports.table(pd.DataFrame([d.as_dict() for d in differences])),
                    reports.image(name, f"{candidate.reference.text} minus baseline"),
                ]
        table = pd.DataFrame(rows)
        columns = ["model", "test_set", "metric", "baseline", "candidate", "delta", "low", "high"]
        typer.echo(f"each candidate against {baseline.reference.label}")
        echo_frame(table[[*columns, "verdict"]])
        (folder / "comparison.json").write_text(json.dumps(rows, indent=2) + "\n")
        page = reports.write_page(project.root, "compare", "Model comparison", parts)
        typer.echo(f"report: {page.relative_to(project.root)}")

    @group.command("mistakes")
    def mistakes_command(
        model: ModelOption = DEFAULT_MODEL,
        test_set: SetOption = None,
        where: Annotated[
            list[str] | None,
            typer.Option(
                "--where", help="keep rows where column=value (repeatable), e.g. country=KR"
            ),
        ] = None,
        top: Annotated[int, typer.Option(min=1, help="how many examples to show")] = 20,
        params: ParamsOption = None,
    ) -> None:
        """The examples the model got most wrong, by loss, with their feature values.

        Also where the errors fall across the set's slices (mean loss per slice value).
        """
        from ..evaluation import references, reports
        from ..evaluation.mistakes import loss_by_slice, mistakes, mistakes_figure
        from ..evaluation.sets import score_set, select

        with reported_errors():
            project = open_project(spec, params)
            filters = where_pairs(where)
            chosen_set = select(project.params.test_sets, [test_set] if test_set else None)[0]
            chosen = references.load(project, model)
            scored = score_set(project, chosen.model, chosen_set)
            table = mistakes(scored, project.params.task, filters)
            by_slice = loss_by_slice(
                table,
                chosen_set.slices,
                project.extensions.slices,
                f"the mistakes of test set '{chosen_set.name}'",
            )
        shown = table.head(top)
        typer.echo(f"{len(table)} examples of '{chosen_set.name}'; the {len(shown)} most wrong:")
        echo_frame(shown)
        folder = project.root / reports.ANALYSIS_REPORTS / "mistakes"
        figure = reports.write_figure(folder, "mistakes.png", mistakes_figure(table, by_slice))
        table.to_csv(folder / "mistakes.csv", index=False)
        condition = ", ".join(f"{k}={v}" for k, v in filters.items()) or "all rows"
        page = reports.write_page(
            project.root,
            "mistakes",
            f"Mistakes of {chosen.reference.label} on {chosen_set.name}",
            [
                reports.paragraph(f"{len(table)} examples ({condition}); all in mistakes.csv"),
                reports.image(figure, "loss distribution and loss per slice"),
                reports.heading("Where errors fall"),
                reports.table(by_slice),
                reports.heading(f"The {len(shown)} most wrong"),
                reports.table(shown),
            ],
        )
        typer.echo(f"report: {page.relative_to(project.root)}")

    @group.command("attribute")
    def attribute_command(
        model: ModelOption = DEFAULT_MODEL,
        data: Annotated[
            Path | None,
            typer.Option(
                "--data",
                help="a CSV, Parquet, JSON or JSON Lines file of examples (default: a test set)",
            ),
        ] = None,
        test_set: SetOption = None,
        where: Annotated[
            list[str] | None,
            typer.Option("--where", help="explain rows where column=value (repeatable)"),
        ] = None,
        rows: Annotated[int, typer.Option(min=1, max=50, help="how many examples to explain")] = 5,
        top: Annotated[int, typer.Option(min=1, help="features shown per example")] = 10,
        params: ParamsOption = None,
    ) -> None:
        """Which features pushed each prediction up or down, with a plot per example.

        Exact for a linear model (coefficient × centred value); other models need SHAP, not
        installed by default: `uv run --with shap <package> eval attribute`, or `uv add shap`.
        Relative to the average over a sample of the training set.
        """
        from ..evaluation import references, reports
        from ..evaluation.attributions import attribute, example_figure, example_table
        from ..evaluation.examples import gather
        from ..evaluation.sets import read_set, select
        from ..modeling import inputs
        from ..project.paths import TRAINING_SET
        from ..stage import read_parquet

        with reported_errors():
            project = open_project(spec, params)
            train = project.params.train
            filters = where_pairs(where)
            chosen = references.load(project, model)
            if data is not None:
                frame, source = gather([data], [], train, chosen.model), str(data)
            else:
                chosen_set = select(project.params.test_sets, [test_set] if test_set else None)[0]
                frame, source = read_set(project, chosen_set), chosen_set.name
            for column, value in filters.items():
                if column not in frame.columns:
                    raise ProjectError(f"--where {column}=…: {source} has no column {column}")
                frame = frame[frame[column].astype(str) == value]
            frame = frame.head(rows).reset_index(drop=True)
            if frame.empty:
                raise ProjectError(f"no rows of {source} to explain: loosen --where")
            # What was asked is checked first; then whether this model can be explained here.
            shap_needed(chosen.model, spec.package, project.params.train.model)
            background = read_parquet(project.root, TRAINING_SET, "split").sample(
                n=200, replace=True, random_state=project.params.seed
            )
            numeric, categorical = train.numeric_features, train.categorical_features
            features = inputs.features(frame, numeric, categorical, source)
            found = attribute(
                chosen.model, features, inputs.features(background, numeric, categorical)
            )
        outputs = found.output_values()
        folder = project.root / reports.ANALYSIS_REPORTS / "attributions"
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
            echo_frame(table)
            name = reports.write_figure(
                folder, f"example-{row + 1}.png", example_figure(table, title, found.output)
            )
            parts += [reports.heading(title), reports.image(name, title), reports.table(table)]
        page = reports.write_page(
            project.root, "attributions", "Per-prediction attributions", parts
        )
        typer.echo(f"report: {page.relative_to(project.root)}")

    @group.command("history")
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

        Filter runs by params, tags and dates; the history is per test set, with champion's
        moves marked.
        """
        from ..evaluation import reports
        from ..evaluation.history import (
            champion_changes,
            filter_runs,
            history_figure,
            load_runs,
            metric_history,
            summary,
        )
        from ..registry import open_registry
        from ..registry.moves import parse_moment

        with reported_errors():
            project = open_project(spec, params)
            chosen_metric = metric or project.params.evaluate.primary_metric
            registry, name = open_registry(project), project.params.registry.model_name
            runs = filter_runs(
                load_runs(registry, name),
                since=parse_moment(since, end_of_day=False) if since else None,
                until=parse_moment(until) if until else None,
                params=option_pairs(param or [], "--param", "key=value", "train.model=linear"),
                tags=option_pairs(tag or [], "--tag", "key=value", "owner=data-science"),
            )
            changes = champion_changes(registry.moves(name))
        names = [test_set.name for test_set in project.params.test_sets]
        history = metric_history(runs, chosen_metric, names)
        totals = summary(runs)
        typer.echo(f"{len(runs)} runs")
        if not runs.empty:
            echo_frame(totals)
        if history.empty and not runs.empty:
            typer.secho(
                f"warning: no run logged {chosen_metric} per test set ({', '.join(names)}); "
                "--metric names one of the metrics above without its set",
                fg=typer.colors.YELLOW,
                err=True,
            )
        folder = project.root / reports.ANALYSIS_REPORTS / "history"
        folder.mkdir(parents=True, exist_ok=True)
        runs.to_csv(folder / "runs.csv", index=False)
        figure = reports.write_figure(
            folder, "history.png", history_figure(history, changes, chosen_metric)
        )
        page = reports.write_page(
            project.root,
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
        typer.echo(f"report: {page.relative_to(project.root)}")

    @group.command("schema")
    def schema_command(model: ModelOption = DEFAULT_MODEL, params: ParamsOption = None) -> None:
        """The fields an example needs, and the values the model knows for each category."""
        from ..evaluation import references
        from ..modeling.categories import known_categories

        with reported_errors():
            project = open_project(spec, params)
            chosen = references.load(project, model)
        known = known_categories(chosen.model)
        for column in project.params.train.numeric_features:
            typer.echo(f"{column:<26} number")
        for column in project.params.train.categorical_features:
            typer.echo(f"{column:<26} one of: {', '.join(known.get(column, ['(any)']))}")

    @group.command("report")
    def report_command() -> None:
        """Rebuild reports/analysis/index.html, the page linking every report."""
        from ..evaluation.reports import write_index
        from ..project.paths import project_root

        root = project_root()
        typer.echo(f"report index: {write_index(root).relative_to(root)}")

    apps.root.add_typer(group, name="eval")


def shap_needed(model, package: str, model_name: str) -> None:
    """Refuse at once, saying how to get it, when `model` needs SHAP and it is not installed
    (190 MB with numba: left out of the default install)."""
    from importlib.util import find_spec

    from ..evaluation.attributions import split_pipeline

    estimator = split_pipeline(model)[1]
    linear = hasattr(estimator, "coef_") and hasattr(estimator, "intercept_")
    if linear or find_spec("shap") is not None:
        return
    raise ProjectError(
        f"`eval attribute` explains a {type(estimator).__name__} ({model_name}) with SHAP, "
        f"which is not installed: run `uv run --with shap {package} eval attribute` (once), or "
        "`uv add shap` (190 MB) to keep it; a linear model (train.model: linear) needs nothing"
    )
