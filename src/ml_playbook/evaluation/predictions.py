"""Predictions a person can look at: how the scores (or predicted values) are spread, how many
of each class the threshold makes, and — for regression, where the examples carry the label —
predicted against actual. `predict` writes them as reports/analysis/predictions/ (linked from
the report index)."""

import numpy as np
import pandas as pd

from ..modeling.metrics import CLASSIFICATION
from . import reports

KIND = "predictions"  # the report's folder under reports/analysis/
SHOWN_ROWS = 50


def actual(table: pd.DataFrame, label: str) -> pd.Series:
    """The label of the rows that carry one, as numbers (empty when no row does)."""
    if label not in table.columns:
        return pd.Series(dtype="float64")
    return pd.to_numeric(table[label], errors="coerce").dropna()


def summary(table: pd.DataFrame, task: str, label: str, threshold: float) -> pd.DataFrame:
    """One row: how many examples, the predictions' mean and range, for a classifier how many
    of each class the threshold makes, and how many examples carry the label."""
    scores = table["prediction"]
    row = {
        "examples": len(scores),
        "mean": float(scores.mean()),
        "lowest": float(scores.min()),
        "highest": float(scores.max()),
    }
    if task == CLASSIFICATION:
        positive = int((scores >= threshold).sum())
        row |= {"predicted 1": positive, "predicted 0": len(scores) - positive}
    return pd.DataFrame([row | {f"with {label}": len(actual(table, label))}])


def predictions_figure(table: pd.DataFrame, task: str, label: str, threshold: float):
    """Classification: the scores' histogram (split by the actual class where known) and the
    count of each predicted class. Regression: the predictions' histogram, and predicted
    against actual where the examples carry the label."""
    from matplotlib.figure import Figure

    scores = table["prediction"].to_numpy(dtype="float64")
    known = actual(table, label)
    figure = Figure(figsize=(10, 4))
    left, right = figure.subplots(1, 2)
    bins = min(30, max(5, len(scores) // 5))
    if task == CLASSIFICATION:
        if len(known):
            for value, part in table.loc[known.index].groupby(known, sort=True):
                left.hist(
                    part["prediction"],
                    bins=bins,
                    range=(0, 1),
                    alpha=0.6,
                    label=f"{label}={value:g}",
                )
            left.legend()
        else:
            left.hist(scores, bins=bins, range=(0, 1))
        left.axvline(threshold, color="grey", linestyle="--", linewidth=0.8)
        left.set(xlabel="score (probability of 1)", ylabel="examples", title="Scores")
        predicted = np.array([(scores < threshold).sum(), (scores >= threshold).sum()])
        right.bar(["0", "1"], predicted, color=["#4c72b0", "#dd8452"])
        for position, count in enumerate(predicted):
            right.annotate(str(count), (position, count), ha="center", va="bottom")
        right.set(
            xlabel=f"predicted class (threshold {threshold:g})",
            ylabel="examples",
            title="Predicted classes",
        )
    else:
        left.hist(scores, bins=bins)
        left.set(xlabel="prediction", ylabel="examples", title="Predictions")
        if len(known):
            predicted = table.loc[known.index, "prediction"]
            right.scatter(known, predicted, s=12, alpha=0.6)
            low = float(min(known.min(), predicted.min()))
            high = float(max(known.max(), predicted.max()))
            right.plot([low, high], [low, high], color="grey", linestyle="--", linewidth=0.8)
            right.set(xlabel=f"actual {label}", ylabel="predicted", title="Predicted vs actual")
        else:
            right.axis("off")
            right.text(
                0.5,
                0.5,
                f"no {label} in the examples:\nno predicted-vs-actual plot",
                ha="center",
                va="center",
            )
    figure.tight_layout()
    return figure


def write_report(project, table: pd.DataFrame, model: str, sources: str, saved=None):
    """reports/analysis/predictions/: the figure, the summary, the first rows; the index page
    is refreshed to link it."""
    from .operating_point import decision_threshold

    params, root = project.params, project.root
    label, threshold = params.train.label, decision_threshold(project)
    folder = root / reports.ANALYSIS_REPORTS / KIND
    figure = predictions_figure(table, params.task, label, threshold)
    image = reports.write_figure(folder, "predictions.png", figure)
    where = f"; all saved to {saved}" if saved is not None else ""
    return reports.write_page(
        root,
        KIND,
        f"Predictions of {model}",
        [
            reports.paragraph(f"{len(table)} examples from {sources}{where}"),
            reports.image(image, "how the predictions are spread"),
            reports.heading("Summary"),
            reports.table(summary(table, params.task, label, threshold)),
            reports.heading(f"The first {min(len(table), SHOWN_ROWS)} examples"),
            reports.table(table.head(SHOWN_ROWS)),
        ],
    )
