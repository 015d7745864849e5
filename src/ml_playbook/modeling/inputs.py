"""What a model reads from a table: the feature columns, and (separately) the label.

A table to predict on needs only the features; one to score or train on also needs the label.
A missing column is an error naming it and `where` the table came from.
"""

import pandas as pd

from ..errors import ProjectError


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


def label(frame: pd.DataFrame, name: str, where: str = "the data set") -> pd.Series:
    """The column the model learns to predict."""
    require(frame, [name], where)
    return frame[name]
