"""Stage `evaluate`: the model on every test set of params.yaml `test_sets` — metrics (the
primary set's at the top, for DVC to diff), metrics per slice, and the primary set's
per-example predictions and figure."""

from ml_playbook.project.paths import EVALUATION_REPORT, METRICS, MODEL
from ml_playbook.stage import console, load_model, outputs, step


def run(project) -> None:
    """Metrics on every test set and per slice; plots and predictions."""
    from ml_playbook.evaluation import figures, sets, slices

    params = project.params
    names = ", ".join(spec.name for spec in params.test_sets)
    with step(f"evaluate on the test sets ({names})"):
        scored = sets.score_sets(project, load_model(project.root, MODEL))
        primary = scored[0]  # the set the registry gate reads
        by_slice = slices.all_slices(project, scored)
        with outputs(project.root, METRICS, EVALUATION_REPORT) as out:
            out.json(METRICS, sets.metrics_document(scored))
            out.json(EVALUATION_REPORT / "slices.json", by_slice.to_dict(orient="records"))
            out.figure(
                EVALUATION_REPORT / "evaluation.png",
                figures.evaluation_figure(params.task, primary.label, primary.scores),
            )
            out.parquet(
                EVALUATION_REPORT / "predictions.parquet",
                figures.prediction_table(
                    primary.frame, primary.label, primary.scores, params.data.keys
                ),
            )
    for result in scored:
        console().print(f"  [bold]{result.spec.name}[/bold] ({result.rows} rows)")
        for name, value in result.metrics.items():
            console().print(f"  {name:>18}: {value:.4f}")
    for line in slices.small_slices(by_slice):
        console().print(f"  [yellow]warning:[/yellow] {line}")
