"""Fixtures of the monitoring tests: samples of one population for the rules, and a project
whose champion has served a logged window of requests for the monitor itself."""

import numpy as np
import pandas as pd
import pytest

from tests.library.factory import feature_table, params_dict


@pytest.fixture(scope="module")
def samples():
    """(reference features, reference scores, a served sample of the same population)."""
    train = params_dict()["train"]
    features = feature_table()[train["numeric_features"] + train["categorical_features"]]
    scores = pd.Series(np.random.default_rng(0).beta(2, 5, len(features)))
    # Every other row is the reference, the rest is "served": the same population.
    served = features.iloc[1::2].assign(prediction=scores.iloc[1::2].to_numpy())
    return features.iloc[::2], scores.iloc[::2], served
