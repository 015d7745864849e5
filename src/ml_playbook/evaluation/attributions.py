"""Per-prediction attributions: how much each feature pushed one prediction up or down from
the model's average output, in the model's own units (log-odds for a classifier, the
predicted value for a regressor). A row's attributions plus the base value make its output.

- A linear model is explained exactly: coefficient × the value centred on the background mean.
- Any other model is explained by SHAP's permutation explainer (`uv run --with shap …`, or
  `uv add shap`): 190 MB with numba and llvmlite and 3 s to import, so it is not among the
  project's dependencies.

The model is the pipeline the project's model.py builds (preprocessing, then the estimator);
one-hot columns are summed back into the feature they came from.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ProjectError
from .encoding import source_features

LINEAR, SHAP = "linear: coefficient × centred value", "SHAP"


@dataclass(frozen=True)
class Attributions:
    values: pd.DataFrame  # one row per example, one column per feature
    base: np.ndarray  # the average output over the background, per example
    output: str  # what the numbers are in
    method: str

    def output_values(self) -> np.ndarray:
        """base + the sum of the attributions: the model's output for each example."""
        return self.base + self.values.sum(axis=1).to_numpy()


def split_pipeline(model):
    """The preprocessing step and the estimator of the pipeline the project's model.py built."""
    steps = getattr(model, "steps", None)
    if not steps or len(steps) != 2 or not hasattr(steps[0][1], "transformers_"):
        raise ProjectError(
            "attributions need the project's pipeline (a ColumnTransformer, then the model; "
            f"model.py builds it); got a {type(model).__name__}"
        )
    return steps[0][1], steps[1][1]


def _grouped(values: np.ndarray, sources: list[str], features: list[str]) -> pd.DataFrame:
    columns = pd.DataFrame(values, columns=range(values.shape[1]))
    grouped = columns.T.groupby(np.array(sources)).sum().T
    return grouped[features]


def _margin_name(estimator) -> str:
    return "log-odds" if hasattr(estimator, "predict_proba") else "predicted value"


def attribute(model, frame: pd.DataFrame, background: pd.DataFrame) -> Attributions:
    """Attributions of the model's output for every row of `frame` (its feature columns, in
    the model's order), relative to the average over `background` (a sample of training rows)."""
    preprocess, estimator = split_pipeline(model)
    features = list(frame.columns)
    transformed = np.asarray(preprocess.transform(frame), dtype=float)
    reference = np.asarray(preprocess.transform(background), dtype=float)
    sources = source_features(preprocess)
    if hasattr(estimator, "coef_") and hasattr(estimator, "intercept_"):
        coefficients = np.ravel(estimator.coef_)
        centre = reference.mean(axis=0)
        values = coefficients * (transformed - centre)
        base = float(np.ravel(estimator.intercept_)[0] + coefficients @ centre)
        return Attributions(
            _grouped(values, sources, features),
            np.full(len(frame), base),
            _margin_name(estimator),
            LINEAR,
        )
    return _shap_attributions(estimator, transformed, reference, sources, features)


def _shap_attributions(estimator, transformed, reference, sources, features) -> Attributions:
    try:
        import shap
    except ImportError:
        raise ProjectError(
            f"attributions of a {type(estimator).__name__} need SHAP: run the command with "
            "`uv run --with shap …` (or `uv add shap`); a linear model needs nothing more"
        ) from None
    if hasattr(estimator, "decision_function"):
        function, output = estimator.decision_function, "log-odds"
    elif hasattr(estimator, "predict_proba"):
        function, output = (lambda rows: estimator.predict_proba(rows)[:, 1]), "probability"
    else:
        function, output = estimator.predict, "predicted value"
    # The permutation explainer works from the model's output alone, so its values add up to
    # that output exactly (SHAP's tree explainer does not for scikit-learn's binned
    # gradient boosting); it calls the model a few hundred times per example.
    masker = shap.maskers.Independent(reference, max_samples=100)
    explainer = shap.explainers.Permutation(function, masker)
    explanation = explainer(transformed, max_evals=max(500, 2 * transformed.shape[1] + 1))
    return Attributions(
        _grouped(np.asarray(explanation.values), sources, features),
        np.broadcast_to(np.asarray(explanation.base_values), (len(transformed),)).astype(float),
        output,
        SHAP,
    )


def shown(value) -> str:
    """A feature value as a person reads it: 49.96, not 49.96333333333333."""
    return f"{value:.4g}" if isinstance(value, float | np.floating) else str(value)


def example_table(attributions: Attributions, frame: pd.DataFrame, row: int) -> pd.DataFrame:
    """One example: each feature's value and attribution, strongest first."""
    values = attributions.values.iloc[row]
    table = pd.DataFrame(
        {
            "feature": values.index,
            "value": [shown(frame.iloc[row][name]) for name in values.index],
            "attribution": values.to_numpy(),
        }
    )
    order = table["attribution"].abs().sort_values(ascending=False, kind="stable").index
    return table.loc[order].reset_index(drop=True)


def example_figure(table: pd.DataFrame, title: str, output: str):
    """Bars per feature: red pushes the output up, blue down."""
    from matplotlib.figure import Figure

    shown = table.iloc[::-1]
    figure = Figure(figsize=(7, 0.6 + 0.35 * len(shown)))
    axes = figure.subplots()
    colours = ["tab:red" if value > 0 else "tab:blue" for value in shown["attribution"]]
    labels = [f"{row.feature} = {row.value}" for row in shown.itertuples()]
    axes.barh(labels, shown["attribution"], color=colours)
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set(xlabel=f"contribution to the output ({output})", title=title)
    figure.tight_layout()
    return figure
