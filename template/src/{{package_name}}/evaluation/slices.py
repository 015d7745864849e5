"""Metrics per slice: each value of a slice column (a plan, a country), with its row count and
a warning when it has too few rows for its metrics to be trusted.

A numeric column with many values is cut into quartiles, so `tenure_months` slices as four
ranges rather than one slice per month.

Two gates read the same groups, judging only those with enough rows (and, for classification,
enough of each class) to trust: `evaluate.slice_gate` (every slice reaches a floor) and
`evaluate.inclusion` (a metric differs across sensitive groups by at most a bound).
"""

from dataclasses import dataclass

import pandas as pd

from ..errors import ProjectError
from .sets import SetScores, defined_metrics

MAX_DISTINCT = 12  # a numeric column with more values than this is sliced by quartile


def slice_values(column: pd.Series) -> pd.Series:
    """The slice each row falls in, as text: the value itself, or its quartile range (kept in
    numeric order)."""
    if pd.api.types.is_numeric_dtype(column) and column.nunique() > MAX_DISTINCT:
        ranges = pd.qcut(column, 4, duplicates="drop")
        return ranges.cat.rename_categories([str(label) for label in ranges.cat.categories])
    return column.astype(str)


def slice_table(result: SetScores, task: str, threshold: float, min_rows: int) -> pd.DataFrame:
    """One row per (column, value) of the set's slice columns: rows, metrics, and `warning`
    naming slices smaller than `min_rows`."""
    rows = []
    label = result.label.reset_index(drop=True)
    scores = pd.Series(result.scores)
    frame = result.frame.reset_index(drop=True)
    for column in result.spec.slices:
        keys = slice_values(frame[column])
        for value, index in keys.groupby(keys, sort=True, observed=True).groups.items():
            count = len(index)
            rows.append(
                {
                    "set": result.spec.name,
                    "column": column,
                    "value": str(value),
                    "rows": count,
                    **defined_metrics(task, label[index], scores[index].to_numpy(), threshold),
                    "warning": (
                        f"only {count} rows (< {min_rows}): too few to trust"
                        if count < min_rows
                        else ""
                    ),
                }
            )
    return pd.DataFrame(rows)


def small_slices(table: pd.DataFrame) -> list[str]:
    """One line per slice too small to trust, for the console."""
    if table.empty:
        return []
    flagged = table[table["warning"] != ""]
    return [f"{row.set}: {row.column}={row.value}: {row.warning}" for row in flagged.itertuples()]


def all_slices(results: list[SetScores], params) -> pd.DataFrame:
    """The slice tables of every scored set, as one table."""
    tables = [
        slice_table(result, params.task, params.evaluate.threshold, params.evaluate.min_slice_rows)
        for result in results
    ]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


@dataclass(frozen=True)
class Group:
    """One group of a column (a slice, or a sensitive group) and the gate's view of it."""

    set: str
    column: str
    value: str
    rows: int
    score: float | None  # the gate's metric; None where it is not defined on these rows
    trusted: bool  # enough rows (and of each class) for the metric to mean something


def judged_groups(result: SetScores, column: str, params, metric: str, min_class_rows: int):
    """The groups of `column` in a scored set, with the gate's metric and whether to trust it."""
    from ..models.metrics import CLASSIFICATION

    label = result.label.reset_index(drop=True)
    scores = pd.Series(result.scores)
    keys = slice_values(result.frame.reset_index(drop=True)[column])
    groups = []
    for value, index in keys.groupby(keys, sort=True, observed=True).groups.items():
        values = defined_metrics(
            params.task, label[index], scores[index].to_numpy(), params.evaluate.threshold
        )
        enough = len(index) >= params.evaluate.min_slice_rows
        if params.task == CLASSIFICATION:
            counts = label[index].value_counts()
            enough = enough and all(counts.get(c, 0) >= min_class_rows for c in (0, 1))
        score = values.get(metric)
        trusted = enough and score is not None
        groups.append(Group(result.spec.name, column, str(value), len(index), score, trusted))
    return groups


def _metric(params, chosen: str | None, setting: str) -> tuple[str, bool]:
    """The gate's metric (default: the primary one) and whether lower is better."""
    from ..models.metrics import METRICS

    name = chosen or params.evaluate.primary_metric
    if name not in METRICS[params.task]:
        raise ProjectError(
            f"params.yaml {setting}.metric '{name}' is not a {params.task} metric; use one of "
            f"{', '.join(METRICS[params.task])}"
        )
    return name, METRICS[params.task][name].lower_is_better


def slice_gate_failures(results: list[SetScores], params) -> list[str]:
    """One line per trusted slice that misses evaluate.slice_gate.floor (none when unset)."""
    gate = params.evaluate.slice_gate
    if gate is None:
        return []
    metric, lower = _metric(params, gate.metric, "evaluate.slice_gate")
    bound = "ceiling" if lower else "floor"
    failures = []
    for result in results:
        for column in result.spec.slices:
            for group in judged_groups(result, column, params, metric, gate.min_class_rows):
                if not group.trusted:
                    continue
                if group.score > gate.floor if lower else group.score < gate.floor:
                    failures.append(
                        f"{group.set}: slice {column}={group.value} ({group.rows} rows): {metric} "
                        f"{group.score:.4f} misses the {bound} {gate.floor:g} "
                        "(evaluate.slice_gate in params.yaml)"
                    )
    return failures


def inclusion_gaps(results: list[SetScores], params) -> list[tuple[Group, Group]]:
    """(worst, best) trusted group per set and sensitive column of evaluate.inclusion."""
    gate = params.evaluate.inclusion
    if gate is None:
        return []
    metric, lower = _metric(params, gate.metric, "evaluate.inclusion")
    absent = [c for c in gate.columns if all(c not in r.frame.columns for r in results)]
    if absent:
        raise ProjectError(
            f"params.yaml evaluate.inclusion.columns: no test set has {', '.join(absent)}"
        )
    pairs = []
    for result in results:
        for column in (c for c in gate.columns if c in result.frame.columns):
            groups = judged_groups(result, column, params, metric, gate.min_class_rows)
            trusted = sorted((g for g in groups if g.trusted), key=lambda g: g.score)
            if len(trusted) >= 2:
                worst, best = (trusted[-1], trusted[0]) if lower else (trusted[0], trusted[-1])
                pairs.append((worst, best))
    return pairs


def inclusion_failures(results: list[SetScores], params) -> list[str]:
    """One line per set and sensitive column whose groups differ by more than the bound."""
    gate = params.evaluate.inclusion
    failures = []
    for worst, best in inclusion_gaps(results, params):
        gap = abs(best.score - worst.score)
        if gap > gate.max_gap:
            failures.append(
                f"{worst.set}: {gate.metric or params.evaluate.primary_metric} differs by "
                f"{gap:.4f} across {worst.column} ({worst.value} {worst.score:.4f}, "
                f"{best.value} {best.score:.4f}), more than evaluate.inclusion.max_gap "
                f"{gate.max_gap:g}"
            )
    return failures


def gate_failures(results: list[SetScores], params) -> list[str]:
    """Every slice-quality and inclusion problem, one line each: the step that scores the
    sets fails on any."""
    return slice_gate_failures(results, params) + inclusion_failures(results, params)
