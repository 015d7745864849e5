"""Build the scikit-learn pipeline that params.yaml describes, and fit it on the training set."""

from pathlib import Path

import joblib
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ..config import Params
from ..errors import TrainingError

ESTIMATORS = {
    "binary_classification": {
        "hist_gradient_boosting": HistGradientBoostingClassifier,
        "random_forest": RandomForestClassifier,
        "linear": LogisticRegression,
    },
    "regression": {
        "hist_gradient_boosting": HistGradientBoostingRegressor,
        "random_forest": RandomForestRegressor,
        "linear": Ridge,
    },
}


def features_and_label(frame: pd.DataFrame, params: Params) -> tuple[pd.DataFrame, pd.Series]:
    train = params.train
    columns = train.numeric_features + train.categorical_features
    missing = [name for name in [*columns, train.label] if name not in frame.columns]
    if missing:
        raise TrainingError(
            f"the data set has no column(s) {', '.join(missing)}: check params.yaml train"
        )
    features = frame[columns].copy()
    features[train.numeric_features] = features[train.numeric_features].astype("float64")
    return features, frame[train.label]


def build_pipeline(params: Params) -> Pipeline:
    train = params.train
    estimator_class = ESTIMATORS[params.task][train.model]
    settings = dict(train.hyperparameters)
    if "random_state" in estimator_class().get_params():
        settings.setdefault("random_state", params.seed)
    try:
        estimator = estimator_class(**settings)
    except TypeError as error:
        raise TrainingError(
            f"params.yaml train.hyperparameters: {error} (model '{train.model}' is "
            f"{estimator_class.__name__})"
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


def train(params: Params, training_set: Path, model_path: Path) -> Pipeline:
    features, label = features_and_label(pd.read_parquet(training_set), params)
    pipeline = build_pipeline(params)
    try:
        pipeline.fit(features, label)
    except ValueError as error:  # sklearn's InvalidParameterError is a ValueError
        first_line = str(error).splitlines()[0]
        raise TrainingError(f"params.yaml train: {first_line}") from None
    model_path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, model_path)
    return pipeline
