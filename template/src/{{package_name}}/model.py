"""The team's model: the scikit-learn pipeline params.yaml `train` describes, unfitted.

`train.model` picks an estimator of ESTIMATORS (the task picks the classifier or the regressor)
and `train.hyperparameters` go to it as they are. Numbers are scaled, categories one-hot
encoded; a category the model never saw is refused before it gets here (`predict`, the
service). Add a model: an entry in ESTIMATORS, then its name in params.yaml.
"""

from importlib import import_module

from ml_playbook.errors import ProjectError

# model name in params.yaml -> task -> (module, class); imported only when that model is built.
ESTIMATORS = {
    "hist_gradient_boosting": {
        "binary_classification": ("sklearn.ensemble", "HistGradientBoostingClassifier"),
        "regression": ("sklearn.ensemble", "HistGradientBoostingRegressor"),
    },
    "random_forest": {
        "binary_classification": ("sklearn.ensemble", "RandomForestClassifier"),
        "regression": ("sklearn.ensemble", "RandomForestRegressor"),
    },
    "linear": {
        "binary_classification": ("sklearn.linear_model", "LogisticRegression"),
        "regression": ("sklearn.linear_model", "Ridge"),
    },
}


def build(params):
    """Preprocessing and the configured estimator, as one unfitted pipeline."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    train = params.train
    module, name = ESTIMATORS[train.model][params.task]
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
