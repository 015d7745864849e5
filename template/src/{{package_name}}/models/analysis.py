"""The trained model on any data set: predictions, standard metrics, and which features
matter most (permutation importance). Hand-crafted examples are a CSV file like any other."""

from pathlib import Path

import joblib
import pandas as pd

from ..config import Params
from ..errors import StageError, TrainingError
from .evaluation import classification_metrics, predict, regression_metrics
from .training import features_and_label


def read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise StageError(f"{path}: no such file; give a CSV or Parquet file")
    if path.suffix.lower() in {".csv", ".tsv"}:
        return pd.read_csv(path, sep="\t" if path.suffix.lower() == ".tsv" else ",")
    if path.suffix.lower() in {".parquet", ".pq"}:
        return pd.read_parquet(path)
    raise StageError(f"{path}: unsupported format; give a CSV or Parquet file")


def load_model(model_path: Path):
    if not model_path.is_file():
        raise StageError(f"{model_path} not found: train a model first (`make pipeline`)")
    return joblib.load(model_path)


def feature_frame(frame: pd.DataFrame, params: Params) -> pd.DataFrame:
    """The model's input columns of `frame`; the label may be absent."""
    labelled = frame if params.train.label in frame else frame.assign(**{params.train.label: 0})
    return features_and_label(labelled, params)[0]


def predictions(params: Params, model_path: Path, data: Path) -> pd.DataFrame:
    frame = read_table(data)
    scores = predict(load_model(model_path), feature_frame(frame, params), params.task)
    return frame.assign(prediction=scores)


def metrics(params: Params, model_path: Path, data: Path) -> dict[str, float]:
    frame = read_table(data)
    if params.train.label not in frame:
        raise TrainingError(f"{data} has no '{params.train.label}' column: metrics need the label")
    features, label = features_and_label(frame, params)
    scores = predict(load_model(model_path), features, params.task)
    if params.task == "binary_classification":
        values = classification_metrics(label, scores, params.evaluate.threshold)
    else:
        values = regression_metrics(label, scores)
    return {name: round(float(value), 6) for name, value in values.items()}


def feature_importance(params: Params, model_path: Path, data: Path) -> pd.Series:
    """How much the primary metric drops when each feature is shuffled (higher: matters more)."""
    from sklearn.inspection import permutation_importance

    frame = read_table(data)
    features, label = features_and_label(frame, params)
    scoring = {"roc_auc": "roc_auc", "rmse": "neg_root_mean_squared_error", "r2": "r2"}
    result = permutation_importance(
        load_model(model_path),
        features,
        label,
        scoring=scoring.get(params.evaluate.primary_metric),
        n_repeats=5,
        random_state=params.seed,
    )
    return pd.Series(result.importances_mean, index=features.columns).sort_values(ascending=False)
