"""The examples a model got most wrong, by their loss, with the features it saw, and where
the errors fall across slices.

Loss per row: log loss for classification (how surprised the model was by the true label),
squared error for regression: the quantities the models are trained to make small.
"""

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import ProjectError
from ..modeling.metrics import CLASSIFICATION
from .sets import SetScores
from .slices import slice_labels

EPSILON = 1e-15  # keeps log loss finite for a probability of exactly 0 or 1
SUMMARY_COLUMNS = ["column", "value", "rows", "mean_loss", "total_loss"]


def row_loss(task: str, label, scores) -> np.ndarray:
    label, scores = np.asarray(label, dtype=float), np.asarray(scores, dtype=float)
    if task == CLASSIFICATION:
        probability = np.clip(scores, EPSILON, 1 - EPSILON)
        return -(label * np.log(probability) + (1 - label) * np.log(1 - probability))
    return (scores - label) ** 2


def mistakes(result: SetScores, task: str, where: dict[str, str] | None = None) -> pd.DataFrame:
    """Every row of the set with its prediction and loss, most wrong first; `where` keeps the
    rows whose columns equal the given values (compared as text, so country=KR and plan=basic
    and tenure_months=7 all work)."""
    table = result.frame.reset_index(drop=True).copy()
    table["prediction"] = np.asarray(result.scores)
    table["loss"] = row_loss(task, result.label, result.scores)
    for column, value in (where or {}).items():
        if column not in table.columns:
            raise ProjectError(
                f"--where {column}=…: the set '{result.spec.name}' has no column {column}"
            )
        table = table[table[column].astype(str) == value]
    return table.sort_values("loss", ascending=False, kind="stable").reset_index(drop=True)


def loss_by_slice(
    table: pd.DataFrame,
    slices: Sequence[str],
    registered: Mapping[str, Callable] | None = None,
    where: str = "the mistakes",
) -> pd.DataFrame:
    """Mean and total loss per group of each slice (a column, or a slice the project
    registers): where the errors fall."""
    table = table.reset_index(drop=True)
    parts = []
    for name in slices:
        groups = slice_labels(table, name, registered or {}, where)
        grouped = table["loss"].groupby(groups.rename("value"), observed=True)
        part = grouped.agg(rows="size", mean_loss="mean", total_loss="sum").reset_index()
        parts.append(part.assign(column=name))
    if not parts:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    return pd.concat(parts, ignore_index=True)[SUMMARY_COLUMNS]


def mistakes_figure(table: pd.DataFrame, by_slice: pd.DataFrame):
    """The loss distribution, and mean loss per slice value."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 4))
    left, right = figure.subplots(1, 2)
    left.hist(table["loss"], bins=40)
    left.set(xlabel="loss per example", ylabel="examples", title="how wrong, how often")
    if not by_slice.empty:
        labels = [f"{row.column}={row.value}" for row in by_slice.itertuples()]
        right.barh(labels, by_slice["mean_loss"])
        right.set(xlabel="mean loss", title="where errors fall")
    figure.tight_layout()
    return figure
