"""What each feature costs the model, measured against the budget in params.yaml
`feature_budget`: the model inputs it becomes once encoded (a category becomes one input per
value, so width drives memory and prediction time) and the bytes it adds to every row the
service receives and logs. A feature over budget is dropped or re-encoded (bucket a
many-valued category), not kept for a sliver of quality.

The encoding is the project's own: the preprocessing of the pipeline its model.py builds (a
ColumnTransformer first), fitted on the given rows. A model without one reads each feature as
one input.
"""

from dataclasses import dataclass

import pandas as pd

from ..modeling import inputs
from .encoding import source_features

NUMBER_BYTES = 8.0  # a number in a request, as a float64


@dataclass(frozen=True)
class FeatureCost:
    feature: str
    model_inputs: int  # columns the preprocessing turns it into
    bytes_per_row: float  # its value's size in a request: 8 for a number, UTF-8 length for text


def _preprocessing(model):
    """The ColumnTransformer the project's pipeline starts with, or None."""
    steps = getattr(model, "steps", None)
    first = steps[0][1] if steps and len(steps) > 1 else None
    return first if hasattr(first, "transformers") else None


def _text_bytes(column: pd.Series) -> float:
    sizes = column.dropna().map(lambda value: len(str(value).encode("utf-8")))
    return round(float(sizes.mean()), 2) if len(sizes) else 0.0


def feature_costs(project, frame: pd.DataFrame) -> list[FeatureCost]:
    """The cost of every configured feature, from the project's preprocessing fitted on
    `frame` (the training set)."""
    from sklearn.base import clone

    train = project.params.train
    features = inputs.features(
        frame, train.numeric_features, train.categorical_features, "the training set"
    )
    preprocess = _preprocessing(project.build_model())
    if preprocess is None:
        sources = list(train.features)
    else:
        sources = source_features(clone(preprocess).fit(features))
    costs = [
        FeatureCost(name, sources.count(name), NUMBER_BYTES) for name in train.numeric_features
    ]
    costs += [
        FeatureCost(name, sources.count(name), _text_bytes(features[name]))
        for name in train.categorical_features
    ]
    return costs


def over_budget(project, costs: list[FeatureCost]) -> list[str]:
    """One line per feature that costs more than params.yaml `feature_budget` allows."""
    budget = project.params.feature_budget
    problems = []
    for cost in costs:
        if cost.model_inputs > budget.max_model_inputs:
            problems.append(
                f"feature {cost.feature} becomes {cost.model_inputs} model inputs (budget "
                f"{budget.max_model_inputs}): bucket its rare values or drop it"
            )
        if cost.bytes_per_row > budget.max_bytes_per_row:
            problems.append(
                f"feature {cost.feature} adds {cost.bytes_per_row:g} bytes per row (budget "
                f"{budget.max_bytes_per_row:g}): send a code, not the text"
            )
    return problems
