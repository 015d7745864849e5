"""Stage `evaluate`: the metrics (for DVC to diff), per-example predictions and a figure of the
model on the evaluation set."""

from pathlib import Path

from ..config import Params
from ..paths import EVALUATION_REPORT, EVALUATION_SET, METRICS, MODEL
from . import (
    console,
    load_model,
    read_parquet,
    step,
    write_figure,
    write_json,
    write_parquet,
    wrote,
)

INPUTS = (MODEL, EVALUATION_SET)
OUTPUTS = (METRICS, EVALUATION_REPORT)


def run(root: Path, params: Params) -> list[Path]:
    from ..models import inputs
    from ..models.evaluation import evaluation_figure, prediction_table
    from ..models.metrics import compute_metrics, model_scores

    with step(f"evaluate on {EVALUATION_SET.name}"):
        model = load_model(root)
        frame = read_parquet(root, EVALUATION_SET, "split")
        label = inputs.label(frame, params.train)
        scores = model_scores(model, inputs.features(frame, params.train), params.task)
        results = compute_metrics(params.task, label, scores, params.evaluate.threshold)
        folder = root / EVALUATION_REPORT
        paths = [
            write_json(root / METRICS, {"rows": len(frame), **results}),
            write_figure(folder / "evaluation.png", evaluation_figure(params.task, label, scores)),
            write_parquet(folder / "predictions.parquet", prediction_table(frame, label, scores)),
        ]
    for name, value in results.items():
        console.print(f"  {name:>18}: {value:.4f}")
    return wrote(root, paths)
