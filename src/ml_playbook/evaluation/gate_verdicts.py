"""The slice and inclusion gates (`evaluate.slice_gate`, `evaluate.inclusion`) judged with
their uncertainty, so that on small data a verdict does not move from seed to seed.

Each trusted group's metric gets a bootstrap interval (95 %, RESAMPLES draws of its own rows,
the project's seed): a slice fails only when the whole interval misses the floor (lies above a
ceiling). Each sensitive column's gap between its worst- and best-served trusted groups gets
one too (every group redrawn on each draw): it fails only when the whole interval exceeds
`max_gap`. A group too small to trust, or a column with fewer than two such groups, is "not
judged", with the reason — never passed. `evaluate` records every verdict in
reports/metrics.json (`gates`), and `register` makes no champion with a failed one."""

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..errors import ProjectError
from ..modeling.metrics import CLASSIFICATION, compute_metric
from . import slices
from .sets import SetScores

RESAMPLES, CONFIDENCE = 200, 0.95
PASSED, FAILED, NOT_JUDGED = "passed", "failed", "not judged"


@dataclass(frozen=True)
class Verdict:
    gate: str  # slice_gate | inclusion
    set: str
    subject: str  # a group (`plan=basic`) or a sensitive column (`country`)
    status: str  # passed | failed | not judged
    estimate: float | None  # the metric (slice_gate) or the gap (inclusion) on all the rows
    low: float | None  # its bootstrap interval
    high: float | None
    bound: float  # the floor / ceiling, or max_gap
    reason: str  # why not judged; empty otherwise

    def as_dict(self) -> dict:
        return asdict(self)


def verdicts(project, results: Sequence[SetScores]) -> list[Verdict]:
    """Every verdict of both gates on the scored sets (none for a gate that is not set)."""
    return slice_verdicts(project, results) + inclusion_verdicts(project, results)


def summary(found: Sequence[Verdict]) -> dict:
    """reports/metrics.json `gates`: the counts, and every verdict."""
    return {
        "passed": sum(v.status == PASSED for v in found),
        "failed": sum(v.status == FAILED for v in found),
        "not_judged": sum(v.status == NOT_JUDGED for v in found),
        "verdicts": [v.as_dict() for v in found],
    }


def slice_verdicts(project, results: Sequence[SetScores]) -> list[Verdict]:
    gate = project.params.evaluate.slice_gate
    if gate is None:
        return []
    metric, lower = slices.gate_metric(project, gate.metric, "evaluate.slice_gate")
    rng = np.random.default_rng(project.params.seed)
    found = []
    for result in results:
        for name in result.spec.slices:
            for group, index in _trusted_and_rows(project, result, name, metric, gate):
                subject = f"{name}={group.value}"
                if not group.trusted:
                    reason = _why_not_trusted(project, result, index, group, gate.min_class_rows)
                    found.append(_not_judged("slice_gate", result, subject, gate.floor, reason))
                    continue
                draws = _metric_draws(project, metric, result, _draws(rng, index))
                interval = _interval(draws)
                if interval is None:
                    reason = f"{metric} is not defined on its resamples"
                    found.append(_not_judged("slice_gate", result, subject, gate.floor, reason))
                    continue
                low, high = interval
                missed = low > gate.floor if lower else high < gate.floor
                found.append(
                    Verdict(
                        "slice_gate",
                        result.spec.name,
                        subject,
                        FAILED if missed else PASSED,
                        round(group.score, 6),
                        low,
                        high,
                        gate.floor,
                        "",
                    )
                )
    return found


def inclusion_verdicts(project, results: Sequence[SetScores]) -> list[Verdict]:
    gate = project.params.evaluate.inclusion
    if gate is None:
        return []
    metric, _ = slices.gate_metric(project, gate.metric, "evaluate.inclusion")
    registered = project.extensions.slices

    def has(result: SetScores, name: str) -> bool:
        return name in registered or name in result.frame.columns

    absent = [name for name in gate.columns if not any(has(r, name) for r in results)]
    if absent:
        raise ProjectError(
            f"params.yaml evaluate.inclusion.columns: no test set has {', '.join(absent)}, and "
            "extend.py registers no slice of that name"
        )
    rng = np.random.default_rng(project.params.seed)
    found = []
    for result in results:
        for name in gate.columns:
            if not has(result, name):
                continue
            trusted = [
                (group, index)
                for group, index in _trusted_and_rows(project, result, name, metric, gate)
                if group.trusted
            ]
            if len(trusted) < 2:
                reason = (
                    f"{len(trusted)} group(s) of {name} with enough rows to trust "
                    f"(evaluate.min_slice_rows, min_class_rows): a gap needs two"
                )
                found.append(_not_judged("inclusion", result, name, gate.max_gap, reason))
                continue
            scores = [group.score for group, _ in trusted]
            per_group = np.array(
                [
                    [
                        np.nan if v is None else v
                        for v in _metric_draws(project, metric, result, _draws(rng, index))
                    ]
                    for _, index in trusted
                ]
            )  # groups x draws; each group redrawn on its own
            defined = ~np.isnan(per_group).any(axis=0)
            spread = per_group[:, defined].max(axis=0) - per_group[:, defined].min(axis=0)
            interval = _interval(list(spread))
            if interval is None:
                reason = f"{metric} is not defined on the resamples of its groups"
                found.append(_not_judged("inclusion", result, name, gate.max_gap, reason))
                continue
            low, high = interval
            found.append(
                Verdict(
                    "inclusion",
                    result.spec.name,
                    name,
                    FAILED if low > gate.max_gap else PASSED,
                    round(max(scores) - min(scores), 6),
                    low,
                    high,
                    gate.max_gap,
                    "",
                )
            )
    return found


def _trusted_and_rows(project, result, name, metric, gate):
    groups = slices.judged_groups(project, result, name, metric, gate.min_class_rows)
    return [(group, np.asarray(group.positions, dtype=int)) for group in groups]


def _why_not_trusted(project, result, index, group, min_class_rows: int) -> str:
    evaluate = project.params.evaluate
    if group.rows < evaluate.min_slice_rows:
        return f"{group.rows} rows, fewer than evaluate.min_slice_rows ({evaluate.min_slice_rows})"
    if project.params.task == CLASSIFICATION:
        counts = pd.Series(np.asarray(result.label)[index]).value_counts()
        for value in (0, 1):
            if counts.get(value, 0) < min_class_rows:
                return (
                    f"{counts.get(value, 0)} rows labelled {value}, fewer than min_class_rows "
                    f"({min_class_rows})"
                )
    return "its metric is not defined on these rows"


def _not_judged(gate: str, result, subject: str, bound: float, reason: str) -> Verdict:
    return Verdict(gate, result.spec.name, subject, NOT_JUDGED, None, None, None, bound, reason)


def _draws(rng, index: np.ndarray) -> np.ndarray:
    """RESAMPLES draws (rows) of `index`'s positions, with replacement."""
    return rng.choice(index, (RESAMPLES, len(index)))


def _metric_draws(project, metric: str, result: SetScores, draws: np.ndarray) -> list:
    """The metric on each draw of rows (None where it is not defined, e.g. one class)."""
    label, scores = np.asarray(result.label), np.asarray(result.scores, dtype=float)
    chosen = project.metrics[metric]
    fast = VECTORISED.get(chosen.function) if not chosen.keywords else None
    if fast is not None:  # one numpy pass over every draw instead of a call per draw
        values = fast(label[draws].astype(float), scores[draws])
        return [float(v) if np.isfinite(v) else None for v in values]
    found = []
    for rows in draws:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                value = compute_metric(
                    chosen, label[rows], scores[rows], project.params.evaluate.threshold
                )
            except ValueError:  # one class in a draw, say
                value = float("nan")
        found.append(float(value) if np.isfinite(value) else None)
    return found


def _roc_auc_rows(label: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """ROC AUC of each row (a draw) by the rank-sum (Mann-Whitney) identity, ties averaged;
    NaN for a row of one class. Equal to sklearn's roc_auc_score (a test holds them equal)."""
    from scipy.stats import rankdata

    ranks = rankdata(scores, axis=1)
    positives = label.sum(axis=1)
    negatives = label.shape[1] - positives
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = ((ranks * label).sum(axis=1) - positives * (positives + 1) / 2) / (
            positives * negatives
        )
    return np.where((positives > 0) & (negatives > 0), auc, np.nan)


VECTORISED = {
    "roc_auc_score": _roc_auc_rows,
    "root_mean_squared_error": lambda label, scores: np.sqrt(((scores - label) ** 2).mean(axis=1)),
    "mean_absolute_error": lambda label, scores: np.abs(scores - label).mean(axis=1),
}


def _interval(draws: list) -> tuple[float, float] | None:
    """The central CONFIDENCE interval of the draws the metric was defined on (None: none)."""
    kept = [draw for draw in draws if draw is not None]
    if not kept:
        return None
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(kept, [tail, 100 - tail])
    return round(float(low), 6), round(float(high), 6)
