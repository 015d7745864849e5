"""What each feature costs the model, measured against the budget in params.yaml
`feature_budget`: the model inputs it becomes once encoded (a category becomes one input per
value, so width drives memory and prediction time) and the bytes it adds to every row the
service receives and logs. A feature over budget is dropped or re-encoded (bucket a
many-valued category), not kept for a sliver of quality."""

from dataclasses import dataclass

import pandas as pd

from ..config import Params
from . import inputs
from .training import build_pipeline


@dataclass(frozen=True)
class FeatureCost:
    feature: str
    model_inputs: int  # columns the preprocessing turns it into
    bytes_per_row: float  # its value's size in a request: 8 for a number, UTF-8 length for text


def feature_costs(params: Params, frame: pd.DataFrame) -> list[FeatureCost]:
    """The cost of every configured feature, from the preprocessing fitted on `frame`."""
    features = inputs.features(frame, params.train)
    preprocess = build_pipeline(params).named_steps["preprocess"].fit(features)
    encoded = pd.Series(preprocess.get_feature_names_out()).str.split("__", n=1).str[1]
    costs = []
    for name in params.train.numeric_features:
        costs.append(FeatureCost(name, int((encoded == name).sum()), 8.0))
    for name, categories in zip(
        params.train.categorical_features,
        preprocess.named_transformers_["categorical"].categories_,
        strict=True,
    ):
        size = features[name].astype(str).str.encode("utf-8").str.len().mean()
        costs.append(FeatureCost(name, len(categories), round(float(size), 2)))
    return costs


def over_budget(params: Params, costs: list[FeatureCost]) -> list[str]:
    """One line per feature that costs more than `feature_budget` allows."""
    budget = params.feature_budget
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
                f"{budget.max_bytes_per_row}): send a code, not the text"
            )
    return problems
