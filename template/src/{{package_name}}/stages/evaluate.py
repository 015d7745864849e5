"""Stage `evaluate`: the model on every test set of params.yaml `test_sets` — metrics (the
primary set's at the top, for DVC to diff), the baseline's beside them (a one-feature model the
launch criteria ask the model to beat), metrics per slice, and the primary set's per-example
predictions and figure."""

from ml_playbook.project.paths import EVALUATION_REPORT, METRICS, MODEL, TRAINING_SET
from ml_playbook.stage import console, load_model, outputs, read_parquet, step


def run(project) -> None:
    """Metrics on every test set and per slice; plots and predictions."""
    from ml_playbook.evaluation import figures, gate_verdicts, operating_point, sets, slices
    from ml_playbook.evaluation.baseline import fit_baseline

    params = project.params
    names = ", ".join(spec.name for spec in params.test_sets)
    with step(f"evaluate on the test sets ({names})"):
        model = load_model(project.root, MODEL)
        scored = sets.score_sets(project, model)
        # The decision threshold, chosen on the primary set by evaluate.operating_point; the
        # metrics of yes/no decisions (precision, recall, ...) are then measured at it.
        point, project = operating_point.for_project(project, scored[0])
        scored = [sets.measured_again(project, result) for result in scored]
        primary = scored[0]  # the set the registry gate reads
        baseline = fit_baseline(project, read_parquet(project.root, TRAINING_SET, "split"))
        baseline_scored = sets.score_sets(project, baseline.model)
        by_slice = slices.all_slices(project, scored)
        gates = gate_verdicts.verdicts(project, scored)
        with outputs(project.root, METRICS, EVALUATION_REPORT) as out:
            out.json(
                METRICS,
                sets.metrics_document(
                    scored,
                    (baseline.description, baseline_scored),
                    point,
                    gate_verdicts.summary(gates),
                ),
            )
            out.json(EVALUATION_REPORT / "slices.json", by_slice.to_dict(orient="records"))
            out.figure(
                EVALUATION_REPORT / "evaluation.png",
                figures.evaluation_figure(
                    params.task,
                    primary.label,
                    primary.scores,
                    point,
                    (baseline.description, baseline_scored[0].scores),
                ),
            )
            out.parquet(
                EVALUATION_REPORT / "predictions.parquet",
                figures.prediction_table(
                    primary.frame, primary.label, primary.scores, params.data.keys
                ),
            )
    if point is not None:
        console().print(
            f"  operating point: threshold {point.threshold:.4f} by {point.policy}: precision "
            f"{point.precision:.3f}, recall {point.recall:.3f}, {point.flagged_share:.1%} flagged"
        )
    console().print(f"  baseline: {baseline.description}")
    for result, simple in zip(scored, baseline_scored, strict=True):
        console().print(f"  [bold]{result.spec.name}[/bold] ({result.rows} rows)   model  baseline")
        for name, value in result.metrics.items():
            other = simple.metrics.get(name)
            shown = "-" if other is None else f"{other:.4f}"
            console().print(f"  {name:>18}: {value:.4f}  {shown:>8}")
    for line in slices.small_slices(by_slice):
        console().print(f"  [yellow]warning:[/yellow] {line}")
    for verdict in gates:
        if verdict.status != gate_verdicts.PASSED:
            why = verdict.reason or f"interval {verdict.low:.4f} to {verdict.high:.4f}"
            console().print(
                f"  {verdict.gate} {verdict.set} {verdict.subject}: {verdict.status} ({why})"
            )
    counts = gate_verdicts.summary(gates)
    console().print(
        f"  gates: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['not_judged']} not judged"
    )
