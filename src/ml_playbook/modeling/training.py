"""Fitting a project's model on a table: its features and label as params.yaml names them, and
a setting scikit-learn refuses turned into one line naming params.yaml."""

from ..errors import ProjectError, first_line
from . import inputs
from .metrics import CLASSIFICATION


def fit(model, frame, train, where: str = "the training set"):
    """`model` (unfitted, from the project's model.py) fitted on `frame`'s features and label."""
    from sklearn.base import is_classifier

    check_hyperparameter_kinds(model, train.hyperparameters)
    features = inputs.features(frame, train.numeric_features, train.categorical_features, where)
    label = inputs.label(
        frame, train.label, where, CLASSIFICATION if is_classifier(model) else None
    )
    try:
        return model.fit(features, label)
    except (ValueError, TypeError) as error:  # sklearn's InvalidParameterError is a ValueError
        raise ProjectError(f"params.yaml train: {first_line(error)}") from None


def check_hyperparameter_kinds(model, hyperparameters: dict) -> None:
    """Refuse a yes/no where the estimator takes a number: YAML's `true` is Python's True, an
    int, so scikit-learn would take `max_iter: true` as 1 without a word."""
    estimator = model.steps[-1][1] if hasattr(model, "steps") else model
    try:
        defaults = type(estimator)().get_params()
    except TypeError:  # an estimator with required arguments: scikit-learn checks its own
        return
    for name, value in hyperparameters.items():
        default = defaults.get(name)
        if (
            isinstance(value, bool)
            and isinstance(default, int | float)
            and not isinstance(default, bool)
        ):
            raise ProjectError(
                f"params.yaml train.hyperparameters.{name}: {str(value).lower()} is a yes/no, "
                f"but {type(estimator).__name__} takes a number here (default {default})"
            )
