"""The baseline every model is judged against: the simplest sensible model for the task. One
numeric feature through a linear model (logistic regression for a 0/1 label, least squares for
a number), the feature chosen by the primary metric on the training set; without numeric
features, the training set's prior (the share of 1s, or the mean). A model that does not beat
it by `launch.baseline_margin` on the test sets of `launch.baseline_sets` is not launched (release.launch): a complex
model that a one-feature rule matches is cost without benefit (the ML Test Score's model-5,
"a simpler model is not better")."""

from dataclasses import dataclass

from ..errors import ProjectError
from ..modeling import inputs
from ..modeling.metrics import CLASSIFICATION, compute_metric, is_better, model_scores


@dataclass(frozen=True)
class Baseline:
    """A fitted baseline: what it is, in words, and a model that reads the project's features."""

    description: str
    model: object


def fit_baseline(project, frame, where: str = "the training set") -> Baseline:
    """The baseline of `project`'s task fitted on `frame` (the training set)."""
    params = project.params
    train, classification = params.train, params.task == CLASSIFICATION
    label = inputs.label(frame, train.label, where, params.task)
    if label.nunique(dropna=True) < 2 and classification:
        raise ProjectError(f"{where}: the label '{train.label}' has one value; no model can learn")
    kind = "logistic" if classification else "linear"
    candidates = [
        (f"one feature: {feature} ({kind} regression)", _one_feature(feature, classification))
        for feature in train.numeric_features
    ] or [("the training set's prior (no numeric feature)", _prior(classification))]
    features = inputs.features(frame, train.numeric_features, train.categorical_features, where)
    best = None
    for description, model in candidates:
        model.fit(features, label)
        score = compute_metric(
            project.primary_metric,
            label,
            model_scores(model, features, params.task),
            params.evaluate.threshold,
        )
        if best is None or is_better(project.primary_metric, score, best[0], 0.0):
            best = (score, Baseline(description, model))
    return best[1]


def _one_feature(feature: str, classification: bool):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    scaled = Pipeline([("missing", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    estimator = LogisticRegression() if classification else LinearRegression()
    return Pipeline([("one", ColumnTransformer([("x", scaled, [feature])])), ("model", estimator)])


def _prior(classification: bool):
    from sklearn.dummy import DummyClassifier, DummyRegressor

    return DummyClassifier(strategy="prior") if classification else DummyRegressor()
