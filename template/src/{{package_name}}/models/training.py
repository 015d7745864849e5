"""Build the scikit-learn pipeline that params.yaml describes, and fit it: data in, model out."""

import pandas as pd

from ..config import Params
from ..errors import ProjectError

# task -> model name in params.yaml -> (module, class); imported only when that model is built.
ESTIMATORS = {
    "binary_classification": {
        "hist_gradient_boosting": ("sklearn.ensemble", "HistGradientBoostingClassifier"),
        "random_forest": ("sklearn.ensemble", "RandomForestClassifier"),
        "linear": ("sklearn.linear_model", "LogisticRegression"),
    },
    "regression": {
        "hist_gradient_boosting": ("sklearn.ensemble", "HistGradientBoostingRegressor"),
        "random_forest": ("sklearn.ensemble", "RandomForestRegressor"),
        "linear": ("sklearn.linear_model", "Ridge"),
    },
}


def build_pipeline(params: Params):
    """Preprocessing (scaled numbers, one-hot categories) and the configured estimator."""
    from importlib import import_module

    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    train = params.train
    module, name = ESTIMATORS[params.task][train.model]
    estimator_class = getattr(import_module(module), name)
    settings = dict(train.hyperparameters)
    if "random_state" in estimator_class().get_params():
        settings.setdefault("random_state", params.seed)
    try:
        estimator = estimator_class(**settings)
    except TypeError as error:
        raise ProjectError(
            f"params.yaml train.hyperparameters: {error} (model '{train.model}' is {name})"
        ) from None
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), train.numeric_features),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                train.categorical_features,
            ),
        ]
    )
    return Pipeline([("preprocess", preprocess), ("model", estimator)])


def fit(params: Params, features: pd.DataFrame, label: pd.Series):
    """The fitted pipeline; a setting scikit-learn refuses is an error naming params.yaml."""
    pipeline = build_pipeline(params)
    try:
        pipeline.fit(features, label)
    except ValueError as error:  # sklearn's InvalidParameterError is a ValueError
        first_line = str(error).splitlines()[0]
        raise ProjectError(f"params.yaml train: {first_line}") from None
    return pipeline
