"""A model on any table: predictions, the project's metrics, and which features matter most
(permutation importance). Data in, data out: the commands read and write the files."""

import pandas as pd

from ..errors import ProjectError, first_line
from ..modeling import inputs
from ..modeling.metrics import defined_metrics, model_scores, scorer


def _features(project, frame: pd.DataFrame, where: str) -> pd.DataFrame:
    train = project.params.train
    return inputs.features(frame, train.numeric_features, train.categorical_features, where)


def predictions(project, model, frame: pd.DataFrame, where: str = "the data set") -> pd.DataFrame:
    """`frame` with a `prediction` column; the label may be absent."""
    scores = model_scores(model, _features(project, frame, where), project.params.task)
    return frame.assign(prediction=scores)


def metrics(project, model, frame: pd.DataFrame, where: str = "the data set") -> dict[str, float]:
    """Every metric of the project's task defined on `frame`, which must hold the label (ROC
    AUC on rows of one class, say, is left out rather than reported as a number it is not)."""
    params = project.params
    scores = model_scores(model, _features(project, frame, where), params.task)
    label = inputs.label(frame, params.train.label, where, params.task)
    return defined_metrics(project.metrics, label, scores, params.evaluate.threshold)


def feature_importance(
    project, model, frame: pd.DataFrame, where: str = "the data set"
) -> pd.Series:
    """How much the primary metric worsens when each feature is shuffled (higher: matters more).
    Rows the primary metric is not defined on (one class, for ROC AUC) are an error."""
    import warnings

    import numpy as np
    from sklearn.inspection import permutation_importance

    params = project.params
    features = _features(project, frame, where)
    label = inputs.label(frame, params.train.label, where, params.task)
    metric = params.evaluate.primary_metric

    def undefined(detail: str) -> ProjectError:
        return ProjectError(
            f"{where}: {metric} cannot be computed on these rows{detail}; give more rows (of "
            "both classes, for a classifier)"
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns, then returns nan, on one class
        try:
            result = permutation_importance(
                model,
                features,
                label,
                scoring=scorer(project.primary_metric, params.task, params.evaluate.threshold),
                n_repeats=5,
                random_state=params.seed,
            )
        except ValueError as error:
            raise undefined(f" ({first_line(error)})") from None
    if not np.isfinite(result.importances_mean).any():
        raise undefined("")
    return pd.Series(result.importances_mean, index=features.columns).sort_values(ascending=False)
