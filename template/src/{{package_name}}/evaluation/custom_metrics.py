"""The project's own metrics: plain functions of (label, score) registered by name for a task.

A registered metric is computed wherever the standard ones are (models/metrics.py): by
`evaluate` on every test set and slice (reports/metrics.json), logged to MLflow by `register`,
shown by `score` and the `eval` commands, a scorer for `explain`, and allowed as
`evaluate.primary_metric`, which makes it the registry gate. config.py imports this module,
so every command sees them; dvc.yaml lists it under `evaluate`, so editing one re-evaluates.

Add one: a function below with `@register_metric(task, "name")` (`lower_is_better=True` for a
loss, `on_labels=True` to receive 0/1 predictions at `evaluate.threshold` instead of scores).
"""

import numpy as np

from ..models.metrics import CLASSIFICATION, REGRESSION, register_metric


@register_metric(CLASSIFICATION, "top_decile_precision")
def top_decile_precision(label, score) -> float:
    """The share of positives among the tenth of rows scored highest: what a retention team
    that calls the top tenth of customers would find."""
    label, score = np.asarray(label, dtype=float), np.asarray(score, dtype=float)
    if label.size == 0:
        raise ValueError("no rows")
    top = np.argsort(-score, kind="stable")[: max(1, int(np.ceil(label.size / 10)))]
    return float(label[top].mean())


@register_metric(REGRESSION, "within_10_percent")
def within_10_percent(label, score) -> float:
    """The share of predictions within 10% of the actual value (within 1 when it is near 0)."""
    label, score = np.asarray(label, dtype=float), np.asarray(score, dtype=float)
    if label.size == 0:
        raise ValueError("no rows")
    return float(np.mean(np.abs(score - label) <= np.maximum(0.1 * np.abs(label), 1.0)))
