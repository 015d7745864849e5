"""The model on chosen data, at the root of the project's command: `predict` (hand-made examples
or any data set), `score` (the metrics), `explain` (which features matter) and `tune` (the
grid search of train.search). Any model: a file, or a registry reference.

Each command imports pandas or scikit-learn only when it runs, so `--help` is instant.
"""

from pathlib import Path
from typing import Annotated

import typer

from ..errors import ProjectError
from ..project import ProjectSpec
from .common import DEFAULT_MODEL, Apps, ModelOption, ParamsOption, open_project, reported_errors

LabelledData = Annotated[
    Path, typer.Argument(help="CSV, Parquet, JSON or JSON Lines with the features and the label")
]


def _model_and_data(spec: ProjectSpec, data: Path, model: str, params: Path | None):
    """The project, the chosen model and `data` checked as that model's input."""
    from ..evaluation import references
    from ..evaluation.examples import gather

    project = open_project(spec, params)
    chosen = references.load(project, model)
    return project, chosen, gather([data], [], project.params.train, chosen.model)


def register(apps: Apps, spec: ProjectSpec) -> None:
    """Add predict, score, explain and tune to the project's command."""

    @apps.root.command()
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
        model: ModelOption = DEFAULT_MODEL,
        params: ParamsOption = None,
    ) -> None:
        """Predict for hand-made examples or any data set, and plot the predictions.

        Give a file, or --example field=value,... once per example, or both.
        Each example is checked first: a missing or unknown field, a value that
        is not a number, a category the model never saw is an error naming the
        row and the field (`eval schema` lists what the model takes). A plot and
        a summary go to reports/analysis/predictions/.
        """
        from ..evaluation import references
        from ..evaluation.analysis import predictions
        from ..evaluation.example_input import read_all
        from ..evaluation.examples import checked
        from ..evaluation.predictions import write_report
        from ..stage import write_table

        with reported_errors():
            project = open_project(spec, params)
            sources = read_all([data] if data is not None else [], example or [])
            chosen = references.load(project, model)
            frame = checked(sources, project.params.train, chosen.model)
            named = " and ".join(source.source for source in sources)
            table = predictions(project, chosen.model, frame, named)
            if output is not None:
                write_table(output, table)
            page = write_report(project, table, chosen.reference.label, named, output)
        if output is None:
            typer.echo(table.to_string(index=False, max_rows=50))
        else:
            typer.echo(f"wrote {len(table)} predictions to {output}")
        typer.echo(f"report: {page.relative_to(project.root)}")

    @apps.root.command()
    def score(
        data: LabelledData,
        model: ModelOption = DEFAULT_MODEL,
        params: ParamsOption = None,
    ) -> None:
        """Compute the standard metrics of the model on a chosen data set."""
        from ..evaluation.analysis import metrics

        with reported_errors():
            project, chosen, frame = _model_and_data(spec, data, model, params)
            values = metrics(project, chosen.model, frame, str(data))
        for name in project.metrics:
            shown = f"{values[name]:.4f}" if name in values else "not defined on these rows"
            typer.echo(f"{name:>18}: {shown}")

    @apps.root.command()
    def explain(
        data: LabelledData,
        top: Annotated[int, typer.Option(min=1, help="how many features to show")] = 10,
        model: ModelOption = DEFAULT_MODEL,
        params: ParamsOption = None,
    ) -> None:
        """Show which features most influence the model's predictions on a data set."""
        from ..evaluation.analysis import feature_importance

        with reported_errors():
            project, chosen, frame = _model_and_data(spec, data, model, params)
            importance = feature_importance(project, chosen.model, frame, str(data))
        typer.echo(
            "permutation importance (how much "
            f"{project.params.evaluate.primary_metric} worsens when shuffled):"
        )
        for name, value in importance.head(top).items():
            typer.echo(f"  {name:<26} {value:+.4f}")

    @apps.root.command()
    def tune(
        top: Annotated[int, typer.Option(min=1, help="how many candidates to show")] = 5,
        params: ParamsOption = None,
    ) -> None:
        """Grid-search the hyperparameters of train.search (time-ordered folds of the training set).

        Prints the best candidates and how the configured train.hyperparameters compare; exits 1
        when they score worse than the best by more than train.search.tolerance.
        """
        from ..evaluation.tuning import search
        from ..project.paths import TRAINING_SET
        from ..stage import read_parquet

        with reported_errors():
            project = open_project(spec, params)
            result = search(project, read_parquet(project.root, TRAINING_SET, "split"))
            typer.echo(
                f"{result.metric} (mean over the folds) of {len(result.candidates)} candidates:"
            )
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
