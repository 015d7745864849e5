"""What the evaluation stage reports beyond the metrics: every example of the primary test set
with its prediction and error, and a figure. Data in, data out: the stage writes them."""

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..modeling.metrics import CLASSIFICATION


def prediction_table(
    frame: pd.DataFrame, label: pd.Series, score: np.ndarray, keys: Sequence[str] = ()
) -> pd.DataFrame:
    """Every evaluated example with its prediction and error, worst first; the columns that
    key a row (params.yaml `data.keys`) are kept beside it where the set has them."""
    kept = [name for name in keys if name in frame.columns]
    table = frame[kept].reset_index(drop=True)
    table["label"] = np.asarray(label)
    table["prediction"] = score
    table["abs_error"] = np.abs(table["label"] - table["prediction"])
    return table.sort_values("abs_error", ascending=False, kind="stable")


def evaluation_figure(task: str, label: pd.Series, score: np.ndarray, point=None, baseline=None):
    """ROC and precision-recall curves (classification; the operating point `point` marked on
    the latter), or predicted vs actual and residuals; `baseline` — (description, its scores
    on the same rows) — drawn beside the model's."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend
    from sklearn import metrics as sk

    figure = Figure(figsize=(10, 4))
    left, right = figure.subplots(1, 2)
    if task == CLASSIFICATION:
        false_positive, true_positive, _ = sk.roc_curve(label, score)
        left.plot(false_positive, true_positive, label="model")
        if baseline is not None:
            false_positive, true_positive, _ = sk.roc_curve(label, baseline[1])
            left.plot(
                false_positive, true_positive, linestyle=":", label=f"baseline ({baseline[0]})"
            )
            left.legend(fontsize=7, loc="lower right")
        left.plot([0, 1], [0, 1], linestyle="--", color="grey")
        left.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC curve")
        precision, recall, _ = sk.precision_recall_curve(label, score)
        right.plot(recall, precision)
        if baseline is not None:
            base_precision, base_recall, _ = sk.precision_recall_curve(label, baseline[1])
            right.plot(base_recall, base_precision, linestyle=":")
        if point is not None:
            right.plot([point.recall], [point.precision], marker="o", color="crimson")
            right.annotate(
                f"threshold {point.threshold:.3f}\n{point.policy}",
                (point.recall, point.precision),
                textcoords="offset points",
                xytext=(8, 8),
                fontsize=8,
            )
        right.set(xlabel="recall", ylabel="precision", title="precision-recall curve")
    else:
        left.scatter(label, score, s=4, alpha=0.4)
        left.set(xlabel="actual", ylabel="predicted", title="predicted vs actual")
        right.hist(score - label, bins=40, label="model")
        if baseline is not None:
            right.hist(
                baseline[1] - label, bins=40, histtype="step", label=f"baseline ({baseline[0]})"
            )
            right.legend(fontsize=7)
        right.set(xlabel="prediction - actual", title="residuals")
    figure.tight_layout()
    return figure
