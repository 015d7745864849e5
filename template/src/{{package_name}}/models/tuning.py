"""Hyperparameter tuning: a grid search over `train.search.grid` of params.yaml, scored on
time-ordered folds of the training set, with the configured hyperparameters as one more
candidate — so `tune` (and the test that guards them) can say whether they are still within
`train.search.tolerance` of the best the grid holds.

Folds follow time, as the project's split does: the training set's months are cut in order by
scikit-learn's TimeSeriesSplit, each fold trained on the months before the ones it is scored
on, so no candidate is judged on months older than those it learnt from.
"""

from dataclasses import dataclass

import pandas as pd

from ..config import Params
from ..errors import ProjectError
from . import inputs
from .metrics import METRICS, scorer
from .training import build_pipeline

# The column that orders snapshots in time (the feature SQL's month index).
TIME_COLUMN = "snapshot_month"


@dataclass(frozen=True)
class Candidate:
    hyperparameters: dict
    score: float  # the primary metric, mean over the folds, in its own units


@dataclass(frozen=True)
class SearchResult:
    metric: str
    lower_is_better: bool
    candidates: list[Candidate]  # best first
    configured: Candidate
    tolerance: float

    @property
    def best(self) -> Candidate:
        return self.candidates[0]

    @property
    def shortfall(self) -> float:
        """How much worse the configured hyperparameters score than the best (0: they are it)."""
        gap = self.best.score - self.configured.score
        return max(0.0, -gap if self.lower_is_better else gap)

    @property
    def within_tolerance(self) -> bool:
        return self.shortfall <= self.tolerance


def time_folds(months: pd.Series, folds: int) -> list[tuple[list[int], list[int]]]:
    """(training rows, validation rows) per fold: whole months, each validated on later months
    than it trains on (TimeSeriesSplit over the distinct months)."""
    from sklearn.model_selection import TimeSeriesSplit

    distinct = sorted(months.unique())
    if len(distinct) < folds + 1:
        raise ProjectError(
            f"train.search.folds is {folds}, but the training set has only {len(distinct)} "
            f"months: lower folds to at most {len(distinct) - 1}"
        )
    positions = months.reset_index(drop=True)
    splits = []
    for train_months, valid_months in TimeSeriesSplit(n_splits=folds).split(distinct):
        learn = positions.isin([distinct[i] for i in train_months])
        judge = positions.isin([distinct[i] for i in valid_months])
        splits.append((list(positions.index[learn]), list(positions.index[judge])))
    return splits


def search(params: Params, frame: pd.DataFrame) -> SearchResult:
    """Every candidate of the grid (and the configured hyperparameters), scored on time folds."""
    from sklearn.model_selection import GridSearchCV

    settings = params.train.search
    if settings is None:
        raise ProjectError("params.yaml has no train.search: declare a grid to tune over")
    if TIME_COLUMN not in frame.columns:
        raise ProjectError(f"the training set has no {TIME_COLUMN} column to fold by time")
    configured_values = dict(params.train.hyperparameters)
    unset = [name for name in settings.grid if name not in configured_values]
    if unset:
        raise ProjectError(
            f"train.search.grid searches {', '.join(unset)}, which train.hyperparameters does "
            "not set: add the chosen value(s) there, so the search can judge them"
        )
    grid = {f"model__{name}": list(values) for name, values in settings.grid.items()}
    configured = {f"model__{name}": [configured_values[name]] for name in settings.grid}
    in_grid = all(configured[name][0] in values for name, values in grid.items())
    metric = params.evaluate.primary_metric
    lower_is_better = METRICS[params.task][metric].lower_is_better
    frame = frame.reset_index(drop=True)
    searcher = GridSearchCV(
        build_pipeline(params),
        [grid] if in_grid else [grid, configured],  # judge the configured values too
        scoring=scorer(params.task, metric, params.evaluate.threshold),
        cv=time_folds(frame[TIME_COLUMN], settings.folds),
        refit=False,
        n_jobs=1,
        error_score="raise",
    )
    try:
        searcher.fit(inputs.features(frame, params.train), inputs.label(frame, params.train))
    except ValueError as error:  # sklearn's InvalidParameterError is a ValueError
        first_line = str(error).splitlines()[0]
        raise ProjectError(f"params.yaml train.search.grid: {first_line}") from None
    sign = -1.0 if lower_is_better else 1.0
    results = searcher.cv_results_
    scored = [
        Candidate(
            {name.removeprefix("model__"): value for name, value in candidate.items()},
            float(sign * mean),
        )
        for candidate, mean in zip(results["params"], results["mean_test_score"], strict=True)
    ]
    chosen = {name.removeprefix("model__"): values[0] for name, values in configured.items()}
    configured_candidate = next(c for c in scored if c.hyperparameters == chosen)
    ranked = sorted(scored, key=lambda c: c.score, reverse=not lower_is_better)
    return SearchResult(metric, lower_is_better, ranked, configured_candidate, settings.tolerance)
