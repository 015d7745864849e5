"""Two models on the same rows: each metric's difference with a paired bootstrap confidence
interval, and a verdict a person can act on.

Paired: every resample draws the same rows for both models, so the interval measures the
difference between the models, not the luck of the draw. The verdict is "better" or "worse"
only when the whole interval lies on one side of zero.
"""

import warnings
from dataclasses import asdict, dataclass

import numpy as np

from ..modeling.metrics import Metric, compute_metric

BETTER, WORSE, NO_EVIDENCE = "better", "worse", "no evidence of a difference"


@dataclass(frozen=True)
class Difference:
    test_set: str
    metric: str
    baseline: float
    candidate: float
    delta: float  # candidate - baseline
    low: float  # the confidence interval of delta
    high: float
    confidence: float
    resamples: int  # resamples on which the metric was defined for both models
    verdict: str  # for the candidate against the baseline

    def as_dict(self) -> dict:
        return asdict(self)


def verdict(metric: Metric, low: float, high: float) -> str:
    """better/worse only when the interval excludes zero, in the metric's direction."""
    if low <= 0 <= high:
        return NO_EVIDENCE
    improved = high < 0 if metric.lower_is_better else low > 0
    return BETTER if improved else WORSE


def _value(metric: Metric, label, scores, threshold: float) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = compute_metric(metric, label, scores, threshold)
        except ValueError:  # e.g. ROC AUC on a resample with one class
            return None
    return value if np.isfinite(value) else None


def paired_bootstrap(
    name: str,
    metric: Metric,
    label,
    baseline,
    candidate,
    *,
    threshold: float = 0.5,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    test_set: str = "",
    advance=None,
) -> Difference:
    """`metric` (called `name`) of both models' scores on the same rows, and the bootstrap
    interval of the difference; `advance()` is called once per resample (a progress bar)."""
    label = np.asarray(label)
    baseline, candidate = np.asarray(baseline), np.asarray(candidate)
    rng = np.random.default_rng(seed)
    deltas = []
    for _ in range(resamples):
        rows = rng.integers(0, len(label), len(label))
        old = _value(metric, label[rows], baseline[rows], threshold)
        new = _value(metric, label[rows], candidate[rows], threshold)
        if old is not None and new is not None:
            deltas.append(new - old)
        if advance is not None:
            advance()
    old = _value(metric, label, baseline, threshold)
    new = _value(metric, label, candidate, threshold)
    if old is None or new is None or not deltas:
        nan = float("nan")
        return Difference(test_set, name, nan, nan, nan, nan, nan, confidence, 0, NO_EVIDENCE)
    tail = (1 - confidence) / 2 * 100
    low, high = (float(value) for value in np.percentile(deltas, [tail, 100 - tail]))
    return Difference(
        test_set,
        name,
        round(old, 6),
        round(new, 6),
        round(new - old, 6),
        round(low, 6),
        round(high, 6),
        confidence,
        len(deltas),
        verdict(metric, low, high),
    )


def difference_figure(differences: list[Difference], baseline: str, candidate: str):
    """Each (set, metric) difference as a point with its interval, zero marked."""
    from matplotlib.figure import Figure

    shown = [d for d in differences if d.resamples]
    figure = Figure(figsize=(7, 0.5 + 0.45 * max(len(shown), 1)))
    axes = figure.subplots()
    names = [f"{d.test_set}: {d.metric}" for d in shown]
    deltas = np.array([d.delta for d in shown])
    errors = np.array([[d.delta - d.low for d in shown], [d.high - d.delta for d in shown]])
    colours = [{BETTER: "tab:green", WORSE: "tab:red"}.get(d.verdict, "grey") for d in shown]
    axes.scatter(deltas, range(len(shown)), c=colours, zorder=3)
    if shown:
        axes.errorbar(deltas, range(len(shown)), xerr=errors, fmt="none", ecolor="grey")
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_yticks(range(len(shown)), names)
    axes.set(xlabel=f"{candidate} minus {baseline}", title="difference with its interval")
    figure.tight_layout()
    return figure
