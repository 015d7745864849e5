"""params.yaml as typed, checked settings: the library's sections (`PipelineParams`: sql, data,
train, evaluate, registry, test_sets, serve, release, monitor, readiness) and this project's own,
below. A typo or a value of the wrong type anywhere in the file is an error before any work.

Add a section the team's code reads: a class here, a field on Params, the values in params.yaml.
"""

from typing import Annotated, Literal

from ml_playbook.project.params import PipelineParams, Section, TrainParams
from pydantic import Field

from .model import ESTIMATORS


class SyntheticParams(Section):
    """The bundled sample source (stage `synthesize`): how many customers, over how many months."""

    customers: Annotated[int, Field(ge=50, le=1_000_000)] = 2000
    months: Annotated[int, Field(ge=12, le=120)] = 24


class FeatureParams(Section):
    """The feature SQL's windows (read as `var('features')` in sql/features/)."""

    window_months: Annotated[int, Field(ge=1, le=24)] = 3
    horizon_months: Annotated[int, Field(ge=1, le=12)] = 3


class SplitParams(Section):
    """Time-based split (sql/sets/): snapshots from `eval_from_month` on are held out."""

    eval_from_month: Annotated[int, Field(ge=1)]


class Train(TrainParams):
    model: Literal[tuple(ESTIMATORS)]  # the estimators model.py builds


class Params(PipelineParams):
    synthetic: SyntheticParams = SyntheticParams()
    features: FeatureParams = FeatureParams()
    split: SplitParams
    train: Train
