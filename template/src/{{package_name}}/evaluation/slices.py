"""Metrics per slice: each value of a slice column (a plan, a country), with its row count and
a warning when it has too few rows for its metrics to be trusted.

A numeric column with many values is cut into quartiles, so `tenure_months` slices as four
ranges rather than one slice per month.
"""

import pandas as pd

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
