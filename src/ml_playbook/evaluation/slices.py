"""Metrics per slice: each group of a test set's `slices` (a plan, a country, an age band), with
its row count and a warning when it has too few rows for its metrics to be trusted.

A slice is a column of the set, or a slice the project registers in its extensions
(`extend.py`: name -> function of the set's rows returning each row's group); a registered
slice wins over a column of the same name. A numeric column with many values is cut into
quartiles, so `tenure_months` slices as four ranges rather than one slice per month.

Two gates read the same groups, judging only those with enough rows (and, for classification,
enough of each class) to trust: `evaluate.slice_gate` (every slice reaches a floor) and
`evaluate.inclusion` (a metric differs across sensitive groups by at most a bound); their
verdicts, with uncertainty, are gate_verdicts'.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..errors import ProjectError, first_line
from ..modeling.metrics import CLASSIFICATION, defined_metrics
from .sets import SetScores

MAX_DISTINCT = 12  # a numeric column with more values than this is sliced by quartile


def slice_values(column: pd.Series) -> pd.Series:
    """The slice each row falls in, as text: the value itself, or its quartile range (kept in
    numeric order)."""
    if pd.api.types.is_numeric_dtype(column) and column.nunique() > MAX_DISTINCT:
        ranges = pd.qcut(column, 4, duplicates="drop")
        return ranges.cat.rename_categories([str(label) for label in ranges.cat.categories])
    return column.astype(str)


def slice_labels(
    frame: pd.DataFrame, name: str, registered: Mapping[str, Callable], where: str
) -> pd.Series:
    """The group of each row of `frame` in slice `name`: the project's registered slice of that
    name, else the column (`where` names the rows in messages)."""
    frame = frame.reset_index(drop=True)
    if name not in registered:
        if name not in frame.columns:
            raise ProjectError(
                f"{where} has no column {name} to slice by, and extend.py registers no slice of "
                "that name"
            )
        return slice_values(frame[name])
    try:
        groups = pd.Series(registered[name](frame)).reset_index(drop=True)
    except Exception as error:  # the team's own code: its failure is reported, not a traceback
        raise ProjectError(
            f"slice '{name}' of extend.py fails on {where}: {type(error).__name__}: "
            f"{first_line(error)}"
        ) from None
    if len(groups) != len(frame):
        raise ProjectError(
            f"slice '{name}' of extend.py gives {len(groups)} groups for the {len(frame)} rows "
            f"of {where}: return one group per row"
        )
    if isinstance(groups.dtype, pd.CategoricalDtype):
        return groups.cat.rename_categories([str(label) for label in groups.cat.categories])
    return groups.astype(str)


def groups_of(project, result: SetScores, name: str):
    """(value, row positions) of each group of slice `name` in a scored set, in order."""
    keys = slice_labels(
        result.frame, name, project.extensions.slices, f"test set '{result.spec.name}'"
    )
    return keys.groupby(keys, sort=True, observed=True).groups.items()


def slice_table(project, result: SetScores, min_rows: int | None = None) -> pd.DataFrame:
    """One row per (slice, group) of the set's slices: rows, metrics, and `warning` naming
    groups smaller than `min_rows` (default: evaluate.min_slice_rows)."""
    evaluate = project.params.evaluate
    min_rows = evaluate.min_slice_rows if min_rows is None else min_rows
    label = result.label.reset_index(drop=True)
    scores = pd.Series(result.scores)
    rows = []
    for name in result.spec.slices:
        for value, index in groups_of(project, result, name):
            count = len(index)
            values = defined_metrics(
                project.metrics, label[index], scores[index].to_numpy(), evaluate.threshold
            )
            rows.append(
                {
                    "set": result.spec.name,
                    "column": name,
                    "value": str(value),
                    "rows": count,
                    **values,
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


def all_slices(project, results: Sequence[SetScores]) -> pd.DataFrame:
    """The slice tables of every scored set, as one table."""
    tables = [slice_table(project, result) for result in results]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


@dataclass(frozen=True)
class Group:
    """One group of a slice (or of a sensitive column) and the gate's view of it."""

    set: str
    column: str
    value: str
    rows: int
    score: float | None  # the gate's metric; None where it is not defined on these rows
    trusted: bool  # enough rows (and of each class) for the metric to mean something
    # Where its rows are in the scored set (the gates' bootstrap redraws them).
    positions: tuple[int, ...] = field(default=(), compare=False, repr=False)


def judged_groups(
    project, result: SetScores, name: str, metric: str, min_class_rows: int
) -> list[Group]:
    """The groups of slice `name` in a scored set, with the gate's metric and whether to
    trust it."""
    params = project.params
    label = result.label.reset_index(drop=True)
    scores = pd.Series(result.scores)
    groups = []
    for value, index in groups_of(project, result, name):
        values = defined_metrics(
            {metric: project.metrics[metric]},
            label[index],
            scores[index].to_numpy(),
            params.evaluate.threshold,
        )
        enough = len(index) >= params.evaluate.min_slice_rows
        if params.task == CLASSIFICATION:
            counts = label[index].value_counts()
            enough = enough and all(counts.get(c, 0) >= min_class_rows for c in (0, 1))
        score = values.get(metric)
        trusted = enough and score is not None
        groups.append(
            Group(result.spec.name, name, str(value), len(index), score, trusted, tuple(index))
        )
    return groups


def gate_metric(project, chosen: str | None, setting: str) -> tuple[str, bool]:
    """The gate's metric (default: the primary one) and whether lower is better."""
    params = project.params
    name = chosen or params.evaluate.primary_metric
    if name not in project.metrics:
        raise ProjectError(
            f"params.yaml {setting}.metric '{name}' is not a {params.task} metric; use one of "
            f"{', '.join(project.metrics)}"
        )
    return name, project.metrics[name].lower_is_better
