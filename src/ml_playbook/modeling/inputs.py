"""What a model reads from a table: the feature columns, and (separately) the label.

A table to predict on needs only the features; one to score or train on also needs the label.
A missing column is an error naming it and `where` the table came from; so is a label that
is not 0/1 under binary classification (scikit-learn would train a multi-class model on it
without a word, and only the metrics would fail, later).
"""

import numbers

import numpy as np
import pandas as pd

from ..errors import ProjectError
from .metrics import CLASSIFICATION


def missing(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """The `columns` the table lacks, in order."""
    return [name for name in columns if name not in frame.columns]


def require(frame: pd.DataFrame, columns: list[str], where: str = "the data set") -> None:
    absent = missing(frame, columns)
    if absent:
        raise ProjectError(
            f"{where} has no column(s) {', '.join(absent)}: check params.yaml train "
            "(the features and the label)"
        )


def features(
    frame: pd.DataFrame, numeric: list[str], categorical: list[str], where: str = "the data set"
) -> pd.DataFrame:
    """The model's input columns, in the order it was trained on, numbers as floats."""
    require(frame, [*numeric, *categorical], where)
    selected = frame[[*numeric, *categorical]].copy()
    selected[numeric] = selected[numeric].astype("float64")
    return selected


def label(
    frame: pd.DataFrame, name: str, where: str = "the data set", task: str | None = None
) -> pd.Series:
    """The column the model learns to predict; under binary classification, 0 or 1 (or
    missing) in every row."""
    require(frame, [name], where)
    values = frame[name]
    if task == CLASSIFICATION:
        found = pd.unique(values.dropna())
        if not all(_zero_or_one(value) for value in found):
            plain = sorted(
                (getattr(value, "item", lambda v=value: v)() for value in found), key=str
            )
            shown = ", ".join(repr(value)[:40] for value in plain[:6])
            more = ", …" if len(found) > 6 else ""
            raise ProjectError(
                f"{where}: the label '{name}' holds {len(found)} different values ({shown}{more}); "
                f"{CLASSIFICATION} needs 0 and 1: make it 0/1 in the SQL, or set `task: "
                "regression` in params.yaml"
            )
    return values


def _zero_or_one(value) -> bool:
    # numpy's bool is not a numbers.Number; both it and bool are 0/1
    return isinstance(value, (numbers.Number, bool, np.bool_)) and value in (0, 1)
