"""Hyperparameter tuning: a grid search over `train.search.grid` of params.yaml, scored on
time-ordered folds of the training set, with the configured hyperparameters as one more
candidate — so `tune` (and the project's test that guards them) can say whether they are still
within `train.search.tolerance` of the best the grid holds.

Folds follow time, as the project's split does: the training set's distinct values of
`data.time_column` (its months, say) are cut in order by scikit-learn's TimeSeriesSplit, each
fold trained on the periods before the ones it is scored on, so no candidate is judged on
periods older than those it learnt from. The pipeline is the project's own (model.py); the
grid's values go to its last step, the estimator.
"""

from dataclasses import dataclass

import pandas as pd

from ..errors import ProjectError, first_line
from ..modeling import inputs
from ..modeling.metrics import scorer


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


def time_folds(periods: pd.Series, folds: int) -> list[tuple[list[int], list[int]]]:
    """(training rows, validation rows) per fold: whole periods, each validated on later
    periods than it trains on (TimeSeriesSplit over the distinct values of `periods`)."""
    from sklearn.model_selection import TimeSeriesSplit

    distinct = sorted(periods.dropna().unique())
    if len(distinct) < folds + 1:
        # Two folds at least (params.yaml holds it), so three periods at least.
        advice = (
            f"lower folds to at most {len(distinct) - 1}"
            if len(distinct) >= 3
            else "tuning needs at least 3 periods"
        )
        raise ProjectError(
            f"train.search.folds is {folds}, but the training set has only {len(distinct)} "
            f"distinct values of {periods.name or 'its time column'}: {advice}"
        )
    positions = periods.reset_index(drop=True)
    splits = []
    for train_periods, valid_periods in TimeSeriesSplit(n_splits=folds).split(distinct):
        learn = positions.isin([distinct[i] for i in train_periods])
        judge = positions.isin([distinct[i] for i in valid_periods])
        splits.append((list(positions.index[learn]), list(positions.index[judge])))
    return splits


def _estimator_prefix(model) -> str:
    """How a hyperparameter of the estimator is named on the project's model: `<last step>__`
    on a pipeline, nothing on a bare estimator."""
    steps = getattr(model, "steps", None)
    return f"{steps[-1][0]}__" if steps else ""


def search(project, frame: pd.DataFrame) -> SearchResult:
    """Every candidate of the grid (and the configured hyperparameters), scored on time folds
    of `frame` (the training set)."""
    from sklearn.model_selection import GridSearchCV

    params = project.params
    settings, time_column = params.train.search, params.data.time_column
    if settings is None:
        raise ProjectError("params.yaml has no train.search: declare a grid to tune over")
    if time_column is None:
        raise ProjectError(
            "params.yaml data.time_column is not set: name the column that orders rows in time, "
            "so tuning can fold the training set by it"
        )
    if time_column not in frame.columns:
        raise ProjectError(
            f"the training set has no column {time_column} (data.time_column) to fold by time"
        )
    configured_values = dict(params.train.hyperparameters)
    unset = [name for name in settings.grid if name not in configured_values]
    if unset:
        raise ProjectError(
            f"train.search.grid searches {', '.join(unset)}, which train.hyperparameters does "
            "not set: add the chosen value(s) there, so the search can judge them"
        )
    model = project.build_model()
    prefix = _estimator_prefix(model)
    grid = {f"{prefix}{name}": list(values) for name, values in settings.grid.items()}
    configured = {f"{prefix}{name}": [configured_values[name]] for name in settings.grid}
    in_grid = all(configured[name][0] in values for name, values in grid.items())
    metric = project.primary_metric
    frame = frame.reset_index(drop=True)
    train = params.train
    searcher = GridSearchCV(
        model,
        [grid] if in_grid else [grid, configured],  # judge the configured values too
        scoring=scorer(metric, params.task, params.evaluate.threshold),
        cv=time_folds(frame[time_column], settings.folds),
        refit=False,
        n_jobs=1,
        error_score="raise",
    )
    where = "the training set"
    try:
        searcher.fit(
            inputs.features(frame, train.numeric_features, train.categorical_features, where),
            inputs.label(frame, train.label, where, params.task),
        )
    except (ValueError, TypeError) as error:  # sklearn's InvalidParameterError is a ValueError
        raise ProjectError(f"params.yaml train.search.grid: {first_line(error)}") from None
    sign = -1.0 if metric.lower_is_better else 1.0
    results = searcher.cv_results_
    scored = [
        Candidate(
            {name.removeprefix(prefix): value for name, value in candidate.items()},
            float(sign * mean),
        )
        for candidate, mean in zip(results["params"], results["mean_test_score"], strict=True)
    ]
    chosen = {name.removeprefix(prefix): values[0] for name, values in configured.items()}
    configured_candidate = next(c for c in scored if c.hyperparameters == chosen)
    ranked = sorted(scored, key=lambda c: c.score, reverse=not metric.lower_is_better)
    return SearchResult(
        params.evaluate.primary_metric,
        metric.lower_is_better,
        ranked,
        configured_candidate,
        settings.tolerance,
    )
