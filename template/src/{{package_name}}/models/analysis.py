"""The trained model on any table: predictions, the standard metrics, and which features
matter most (permutation importance). Data in, data out: the CLI reads and writes files."""

import pandas as pd

from ..config import Params
from . import inputs
from .metrics import compute_metrics, model_scores, scorer


def predictions(params: Params, model, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a `prediction` column; the label may be absent."""
    scores = model_scores(model, inputs.features(frame, params.train), params.task)
    return frame.assign(prediction=scores)


def metrics(params: Params, model, frame: pd.DataFrame) -> dict[str, float]:
    """Every metric of the task on `frame`, which must hold the label."""
    scores = model_scores(model, inputs.features(frame, params.train), params.task)
    return compute_metrics(
        params.task, inputs.label(frame, params.train), scores, params.evaluate.threshold
    )


def feature_importance(params: Params, model, frame: pd.DataFrame) -> pd.Series:
    """How much the primary metric worsens when each feature is shuffled (higher: matters more)."""
    from sklearn.inspection import permutation_importance

    features = inputs.features(frame, params.train)
    result = permutation_importance(
        model,
        features,
        inputs.label(frame, params.train),
        scoring=scorer(params.task, params.evaluate.primary_metric, params.evaluate.threshold),
        n_repeats=5,
        random_state=params.seed,
    )
    return pd.Series(result.importances_mean, index=features.columns).sort_values(ascending=False)
