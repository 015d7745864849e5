"""The team's additions to the library's machinery, handed to it in cli.py: nothing here is
registered by importing it.

- METRICS: task -> name -> Metric(function of (label, score)). Computed with the standard
  metrics everywhere (every test set and slice, MLflow, `score`, `eval`); name one in
  params.yaml `evaluate.primary_metric` to make it the registry gate.
- SLICES: name -> function of a table returning each row's group. A test set's `slices:` in
  params.yaml may name one beside its columns.
- MONITOR_CHECKS: functions of the monitor's view returning a Check (or several); `make monitor`
  runs them after its own rules and alerts on them alike (docs/process.md, question 9). A check
  that cannot judge yet (too few rows, no labels) returns `Check.not_judged(rule, subject,
  reason)`: shown with its reason, never counted as ok.
"""

from ml_playbook.modeling.metrics import CLASSIFICATION, REGRESSION, Metric
from ml_playbook.project import Extensions


def top_decile_precision(label, score) -> float:
    """The share of positives among the tenth of rows scored highest: what a retention team
    that calls the top tenth of customers would find."""
    import numpy as np

    label, score = np.asarray(label, dtype=float), np.asarray(score, dtype=float)
    if label.size == 0:
        raise ValueError("no rows")
    top = np.argsort(-score, kind="stable")[: max(1, int(np.ceil(label.size / 10)))]
    return float(label[top].mean())


def within_10_percent(label, score) -> float:
    """The share of predictions within 10% of the actual value (within 1 when it is near 0)."""
    import numpy as np

    label, score = np.asarray(label, dtype=float), np.asarray(score, dtype=float)
    if label.size == 0:
        raise ValueError("no rows")
    return float(np.mean(np.abs(score - label) <= np.maximum(0.1 * np.abs(label), 1.0)))


def age_band(frame):
    """Customers by age band, as the retention team plans its campaigns."""
    import pandas as pd

    edges, names = [0, 29, 44, 59, 200], ["<30", "30-44", "45-59", "60+"]
    return pd.cut(frame["age_years"], edges, labels=names).astype(str)


METRICS = {
    CLASSIFICATION: {"top_decile_precision": Metric(top_decile_precision)},
    REGRESSION: {"within_10_percent": Metric(within_10_percent)},
}
SLICES = {"age_band": age_band}
MONITOR_CHECKS: list = []

EXTENSIONS = Extensions(metrics=METRICS, slices=SLICES, monitor_checks=MONITOR_CHECKS)
