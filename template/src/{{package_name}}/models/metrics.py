"""The metrics of each task, computed once here: for the evaluation stage, the registry's
champion/challenger decision, `score` and `explain`.

Each metric names its function in sklearn.metrics, which is imported only when a metric is
computed: config.py reads the names to check `evaluate.primary_metric` when params load.
The project's own metrics are plain functions added with `register_metric`
(evaluation/custom_metrics.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

CLASSIFICATION, REGRESSION = "binary_classification", "regression"


@dataclass(frozen=True)
class Metric:
    function: str | Callable  # its name in sklearn.metrics, or f(label, predicted) -> float
    on_labels: bool = False  # computed on thresholded 0/1 predictions, not on scores
    lower_is_better: bool = False
    keywords: tuple[tuple[str, object], ...] = ()


METRICS: dict[str, dict[str, Metric]] = {
    CLASSIFICATION: {
        "roc_auc": Metric("roc_auc_score"),
        "average_precision": Metric("average_precision_score"),
        "log_loss": Metric("log_loss", lower_is_better=True, keywords=(("labels", [0, 1]),)),
        "brier": Metric("brier_score_loss", lower_is_better=True),
        "accuracy": Metric("accuracy_score", on_labels=True),
        "precision": Metric("precision_score", on_labels=True, keywords=(("zero_division", 0),)),
        "recall": Metric("recall_score", on_labels=True, keywords=(("zero_division", 0),)),
        "f1": Metric("f1_score", on_labels=True, keywords=(("zero_division", 0),)),
    },
    REGRESSION: {
        "rmse": Metric("root_mean_squared_error", lower_is_better=True),
        "mae": Metric("mean_absolute_error", lower_is_better=True),
        "r2": Metric("r2_score"),
    },
}


def register_metric(
    task: str, name: str, *, on_labels: bool = False, lower_is_better: bool = False
):
    """Decorator: add `function(label, score) -> float` to the metrics of `task` as `name`."""

    def add(function: Callable) -> Callable:
        METRICS[task][name] = Metric(function, on_labels, lower_is_better)
        return function

    return add


def compute_metric(task: str, name: str, label, score, threshold: float = 0.5) -> float:
    """One metric of `task` for true `label` and model `score` (probability or value)."""
    from sklearn import metrics as sk

    metric = METRICS[task][name]
    predicted = (score >= threshold).astype(int) if metric.on_labels else score
    function = metric.function if callable(metric.function) else getattr(sk, metric.function)
    return float(function(label, predicted, **dict(metric.keywords)))


def compute_metrics(task: str, label, score, threshold: float = 0.5) -> dict[str, float]:
    """Every metric of `task`, rounded for reports that diff cleanly."""
    return {
        name: round(compute_metric(task, name, label, score, threshold), 6)
        for name in METRICS[task]
    }


def is_better(task: str, metric: str, challenger: float, champion: float, margin: float) -> bool:
    """Whether `challenger` beats `champion` on `metric` by more than `margin`."""
    if METRICS[task][metric].lower_is_better:
        return challenger < champion - margin
    return challenger > champion + margin


def direction(task: str, metric: str) -> str:
    return "lower" if METRICS[task][metric].lower_is_better else "higher"


def model_scores(model, features, task: str):
    """Scores for classification (probability of the positive class), values for regression."""
    if task == CLASSIFICATION:
        return model.predict_proba(features)[:, 1]
    return model.predict(features)


def scorer(task: str, metric: str, threshold: float = 0.5):
    """A scikit-learn scorer for `metric` (greater is better, so losses are negated)."""
    sign = -1.0 if METRICS[task][metric].lower_is_better else 1.0

    def score(model, features, label) -> float:
        value = compute_metric(task, metric, label, model_scores(model, features, task), threshold)
        return sign * value

    return score
