"""Standard metrics, plots and per-example predictions of a model on a data set."""

import json
from pathlib import Path

import joblib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn import metrics as sk

from ..config import Params
from ..errors import StageError
from .training import features_and_label

# Metrics where a smaller value is a better model; every other metric is better when larger.
LOWER_IS_BETTER = {"rmse", "mae", "log_loss", "brier"}


def classification_metrics(
    label: pd.Series, score: np.ndarray, threshold: float
) -> dict[str, float]:
    predicted = (score >= threshold).astype(int)
    return {
        "roc_auc": sk.roc_auc_score(label, score),
        "average_precision": sk.average_precision_score(label, score),
        "log_loss": sk.log_loss(label, score, labels=[0, 1]),
        "brier": sk.brier_score_loss(label, score),
        "accuracy": sk.accuracy_score(label, predicted),
        "precision": sk.precision_score(label, predicted, zero_division=0),
        "recall": sk.recall_score(label, predicted, zero_division=0),
        "f1": sk.f1_score(label, predicted, zero_division=0),
    }


def regression_metrics(label: pd.Series, predicted: np.ndarray) -> dict[str, float]:
    return {
        "rmse": sk.root_mean_squared_error(label, predicted),
        "mae": sk.mean_absolute_error(label, predicted),
        "r2": sk.r2_score(label, predicted),
    }


def predict(model, features: pd.DataFrame, task: str) -> np.ndarray:
    """Scores for classification (probability of the positive class), values for regression."""
    if task == "binary_classification":
        return model.predict_proba(features)[:, 1]
    return model.predict(features)


def is_better(metric: str, challenger: float, champion: float, margin: float) -> bool:
    if metric in LOWER_IS_BETTER:
        return challenger < champion - margin
    return challenger > champion + margin


def evaluate(
    params: Params, model_path: Path, data_set: Path, metrics_path: Path, plots_dir: Path
) -> dict[str, float]:
    model = joblib.load(model_path)
    frame = pd.read_parquet(data_set)
    features, label = features_and_label(frame, params)
    prediction = predict(model, features, params.task)
    if params.task == "binary_classification":
        results = classification_metrics(label, prediction, params.evaluate.threshold)
    else:
        results = regression_metrics(label, prediction)
    if params.evaluate.primary_metric not in results:
        raise StageError(
            f"params.yaml evaluate.primary_metric: '{params.evaluate.primary_metric}' is not one "
            f"of {', '.join(sorted(results))}"
        )
    results = {name: round(float(value), 6) for name, value in results.items()}
    metrics_path.parent.mkdir(parents=True, exist_ok=True)
    metrics_path.write_text(json.dumps({"rows": len(frame), **results}, indent=2) + "\n")
    plots_dir.mkdir(parents=True, exist_ok=True)
    _write_predictions(frame, label, prediction, plots_dir / "predictions.parquet")
    _plot(params.task, label, prediction, plots_dir)
    return results


def _write_predictions(frame, label, prediction, path: Path) -> None:
    """Every evaluated example with its prediction and error, to find the worst mistakes."""
    keys = [name for name in ("customer_id", "snapshot_month") if name in frame.columns]
    table = frame[keys].copy()
    table["label"] = label.to_numpy()
    table["prediction"] = prediction
    table["abs_error"] = np.abs(table["label"] - table["prediction"])
    table.sort_values("abs_error", ascending=False).to_parquet(path, index=False)


def _plot(task: str, label: pd.Series, prediction: np.ndarray, folder: Path) -> None:
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    if task == "binary_classification":
        sk.RocCurveDisplay.from_predictions(label, prediction, ax=axes[0])
        sk.PrecisionRecallDisplay.from_predictions(label, prediction, ax=axes[1])
    else:
        axes[0].scatter(label, prediction, s=4, alpha=0.4)
        axes[0].set(xlabel="actual", ylabel="predicted", title="predicted vs actual")
        axes[1].hist(prediction - label, bins=40)
        axes[1].set(xlabel="prediction - actual", title="residuals")
    figure.tight_layout()
    figure.savefig(folder / "evaluation.png", dpi=80)
    plt.close(figure)
