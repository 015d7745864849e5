"""Fitting a project's model on a table: its features and label as params.yaml names them, and
a setting scikit-learn refuses turned into one line naming params.yaml."""

from ..errors import ProjectError, first_line
from . import inputs


def fit(model, frame, train, where: str = "the training set"):
    """`model` (unfitted, from the project's model.py) fitted on `frame`'s features and label."""
    features = inputs.features(frame, train.numeric_features, train.categorical_features, where)
    label = inputs.label(frame, train.label, where)
    try:
        return model.fit(features, label)
    except (ValueError, TypeError) as error:  # sklearn's InvalidParameterError is a ValueError
        raise ProjectError(f"params.yaml train: {first_line(error)}") from None
