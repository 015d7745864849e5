"""What the model reads from a table: the feature columns, and (separately) the label.

Both follow params.yaml `train`; a missing column is an error that names it. A table to
predict on needs only the features; one to score or train on also needs the label.
"""

import pandas as pd

from ..config import TrainParams
from ..errors import ProjectError


def _require(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise ProjectError(
            f"the data set has no column(s) {', '.join(missing)}: check params.yaml train"
        )


def features(frame: pd.DataFrame, train: TrainParams) -> pd.DataFrame:
    """The model's input columns, in the order the model was trained on, numbers as floats."""
    columns = train.numeric_features + train.categorical_features
    _require(frame, columns)
    selected = frame[columns].copy()
    selected[train.numeric_features] = selected[train.numeric_features].astype("float64")
    return selected


def label(frame: pd.DataFrame, train: TrainParams) -> pd.Series:
    """The column the model learns to predict."""
    _require(frame, [train.label])
    return frame[train.label]
