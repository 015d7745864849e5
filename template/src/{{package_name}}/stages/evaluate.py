"""Stage `evaluate`: the model on every test set of params.yaml `test_sets` — metrics (for DVC to
diff; the primary set's at the top), metrics per slice, and per-example predictions and a
figure of the primary set."""

from pathlib import Path

from ..config import Params
from ..paths import EVALUATION_REPORT, EVALUATION_SET, METRICS, MODEL, SAMPLES_DIR
from . import (
    console,
    load_model,
    step,
    write_figure,
    write_json,
    write_parquet,
    wrote,
)

INPUTS = (MODEL, EVALUATION_SET, SAMPLES_DIR)
OUTPUTS = (METRICS, EVALUATION_REPORT)


def run(root: Path, params: Params) -> list[Path]:
    from ..evaluation.sets import metrics_document, score_set
    from ..evaluation.slices import all_slices, small_slices
    from ..models.evaluation import evaluation_figure, prediction_table

    names = ", ".join(spec.name for spec in params.test_sets)
    with step(f"evaluate on the test sets ({names})"):
        model = load_model(root)
        scored = [score_set(root, params, model, spec) for spec in params.test_sets]
        primary = scored[0]  # the set the registry gate reads
        slices = all_slices(scored, params)
        folder = root / EVALUATION_REPORT
        paths = [
            write_json(root / METRICS, metrics_document(scored)),
            write_json(folder / "slices.json", slices.to_dict(orient="records")),
            write_figure(
                folder / "evaluation.png",
                evaluation_figure(params.task, primary.label, primary.scores),
            ),
            write_parquet(
                folder / "predictions.parquet",
                prediction_table(primary.frame, primary.label, primary.scores),
            ),
        ]
    for result in scored:
        console.print(f"  [bold]{result.spec.name}[/bold] ({result.rows} rows)")
        for name, value in result.metrics.items():
            console.print(f"  {name:>18}: {value:.4f}")
    for line in small_slices(slices):
        console.print(f"  [yellow]warning:[/yellow] {line}")
    return wrote(root, paths)
