"""The metrics of each task, defined once: the evaluation stage, the registry's champion and
challenger decision, `score`, `explain` and every `eval` command compute them here.

A metric names its function in sklearn.metrics (imported only when a metric is computed), or is
a plain function `f(label, score) -> float` — a project's own metrics come that way, through its
extensions (`extend.py`). `catalogue()` joins the two; everything else takes the catalogue of one
task, a mapping of name to `Metric`.
"""

import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

CLASSIFICATION, REGRESSION = "binary_classification", "regression"
TASKS = (CLASSIFICATION, REGRESSION)


@dataclass(frozen=True)
class Metric:
    function: str | Callable  # its name in sklearn.metrics, or f(label, predicted) -> float
    on_labels: bool = False  # computed on thresholded 0/1 predictions, not on scores
    lower_is_better: bool = False
    keywords: tuple[tuple[str, object], ...] = ()


STANDARD: Mapping[str, Mapping[str, Metric]] = {
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


def catalogue(
    extra: Mapping[str, Mapping[str, Metric]] | None = None,
) -> dict[str, dict[str, Metric]]:
    """The standard metrics of each task with a project's own (`extra`: task -> name -> Metric).
    Raises ValueError for an unknown task, a name a standard metric has, or a metric that is
    neither a function nor a name in sklearn.metrics."""
    joined = {task: dict(metrics) for task, metrics in STANDARD.items()}
    for task, metrics in (extra or {}).items():
        if task not in joined:
            raise ValueError(f"metrics for task '{task}': the tasks are {', '.join(TASKS)}")
        for name, metric in metrics.items():
            if name in STANDARD[task]:
                raise ValueError(f"metric '{name}' is already a standard {task} metric: rename it")
            if not isinstance(metric, Metric) or not callable(metric.function):
                raise ValueError(f"metric '{name}' must be a Metric of a function (label, score)")
            joined[task][name] = metric
    return joined


def compute_metric(metric: Metric, label, score, threshold: float = 0.5) -> float:
    """One metric for true `label` and model `score` (probability or value)."""
    from sklearn import metrics as sk

    predicted = (score >= threshold).astype(int) if metric.on_labels else score
    function = metric.function if callable(metric.function) else getattr(sk, metric.function)
    return float(function(label, predicted, **dict(metric.keywords)))


def compute_metrics(
    metrics: Mapping[str, Metric], label, score, threshold: float = 0.5
) -> dict[str, float]:
    """Every metric of `metrics`, rounded for reports that diff cleanly."""
    return {
        name: round(compute_metric(metric, label, score, threshold), 6)
        for name, metric in metrics.items()
    }


def defined_metrics(
    metrics: Mapping[str, Metric], label, score, threshold: float = 0.5
) -> dict[str, float]:
    """Every metric of `metrics` that is defined on these rows (ROC AUC needs both classes,
    say), rounded; the others are left out, never reported as a number they are not."""
    values = {}
    for name, metric in metrics.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn warns, then returns nan, on one class
            try:
                value = compute_metric(metric, label, score, threshold)
            except ValueError:
                continue
        if math.isfinite(value):
            values[name] = round(value, 6)
    return values


def is_better(metric: Metric, challenger: float, champion: float, margin: float) -> bool:
    """Whether `challenger` beats `champion` on `metric` by more than `margin`."""
    if metric.lower_is_better:
        return challenger < champion - margin
    return challenger > champion + margin


def direction(metric: Metric) -> str:
    return "lower" if metric.lower_is_better else "higher"


def model_scores(model, features, task: str):
    """Scores for classification (probability of the positive class), values for regression."""
    if task == CLASSIFICATION:
        return model.predict_proba(features)[:, 1]
    return model.predict(features)


def scorer(metric: Metric, task: str, threshold: float = 0.5) -> Callable:
    """A scikit-learn scorer for `metric` (greater is better, so losses are negated)."""
    sign = -1.0 if metric.lower_is_better else 1.0

    def score(model, features, label) -> float:
        value = compute_metric(metric, label, model_scores(model, features, task), threshold)
        return sign * value

    return score


def named(metrics: Mapping[str, Metric], names: Iterable[str], setting: str) -> list[str]:
    """`names`, each a metric of `metrics`; an unknown one is a ValueError naming `setting`."""
    chosen = list(names)
    unknown = [name for name in chosen if name not in metrics]
    if unknown:
        raise ValueError(
            f"{setting}: unknown metric {', '.join(unknown)}; use one of {', '.join(metrics)}"
        )
    return chosen
