"""Hyperparameter tuning: the configured hyperparameters are judged against the best of the
declared grid, on folds that follow params.yaml `data.time_column`."""

import math

import pandas as pd
import pytest
import yaml

from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.tuning import Candidate, SearchResult, search, time_folds
from ml_playbook.project.paths import TRAINING_SET
from tests.library.evaluation.conftest import ON_REGRESSION, invoke
from tests.library.factory import params_dict


def with_train(project, **changes):
    return project.with_params(train=project.params.train.model_copy(update=changes))


@pytest.fixture
def training(trained_project) -> pd.DataFrame:
    return pd.read_parquet(trained_project.root / TRAINING_SET)


def test_the_grid_and_the_configured_hyperparameters_are_all_judged(trained_project, training):
    grid = trained_project.params.train.search.grid

    result = search(trained_project, training)

    assert len(result.candidates) >= math.prod(len(values) for values in grid.values())
    assert result.configured.hyperparameters == {
        name: trained_project.params.train.hyperparameters[name] for name in grid
    }
    assert result.metric == trained_project.params.evaluate.primary_metric
    scores = [candidate.score for candidate in result.candidates]
    assert scores == sorted(scores, reverse=not result.lower_is_better)  # best first
    assert result.within_tolerance


def test_configured_values_outside_the_grid_are_judged_too(trained_project, training):
    project = with_train(
        trained_project,
        hyperparameters={**trained_project.params.train.hyperparameters, "learning_rate": 0.2},
    )

    result = search(project, training)

    assert result.configured.hyperparameters["learning_rate"] == 0.2
    assert len(result.candidates) == 5  # the grid's four and the configured one


def test_every_fold_is_judged_on_months_after_the_ones_it_learns_from():
    months = pd.Series([5, 3, 4, 6, 3, 7, 8, 5, 6, 8])

    folds = time_folds(months, 3)

    assert len(folds) == 3
    for learn, judge in folds:
        assert learn
        assert judge
        assert months[learn].max() < months[judge].min()


def test_too_few_months_for_the_folds_says_how_many_fit():
    with pytest.raises(ProjectError, match="lower folds to at most 2"):
        time_folds(pd.Series([1, 2, 3], name="snapshot_month"), 3)
    with pytest.raises(
        ProjectError, match="only 2 distinct values of snapshot_month: tuning needs"
    ):
        time_folds(pd.Series([1, 2], name="snapshot_month"), 2)


@pytest.mark.parametrize(
    ("lower_is_better", "best", "configured", "within"),
    [
        (False, 0.80, 0.79, True),
        (False, 0.80, 0.77, False),
        (True, 10.0, 10.01, True),
        (True, 10.0, 10.5, False),
    ],
)
def test_the_shortfall_is_measured_in_the_metrics_own_direction(
    lower_is_better, best, configured, within
):
    candidates = sorted([best, configured], reverse=not lower_is_better)
    result = SearchResult(
        metric="m",
        lower_is_better=lower_is_better,
        candidates=[Candidate({"x": score}, score) for score in candidates],
        configured=Candidate({"x": configured}, configured),
        tolerance=0.02,
    )

    assert result.within_tolerance is within
    assert result.shortfall == pytest.approx(abs(best - configured))


def test_a_searched_hyperparameter_the_configuration_does_not_set_is_named(
    trained_project, training
):
    settings = trained_project.params.train.search.model_copy(
        update={"grid": {"l2_regularization": [0.0]}}
    )

    with pytest.raises(ProjectError, match="searches l2_regularization, which train.hyper"):
        search(with_train(trained_project, search=settings), training)


def test_a_value_the_estimator_refuses_names_the_grid(trained_project, training):
    settings = trained_project.params.train.search.model_copy(
        update={"grid": {"learning_rate": [-1.0]}}
    )
    project = with_train(
        trained_project,
        search=settings,
        hyperparameters={**trained_project.params.train.hyperparameters, "learning_rate": -1.0},
    )

    with pytest.raises(ProjectError, match="^params.yaml train.search.grid: .*learning_rate"):
        search(project, training)


def test_tuning_without_a_time_column_or_a_grid_says_what_to_set(trained_project, training):
    no_time = trained_project.with_params(
        data=trained_project.params.data.model_copy(update={"time_column": None})
    )

    with pytest.raises(ProjectError, match="data.time_column is not set: name the column"):
        search(no_time, training)
    with pytest.raises(ProjectError, match="no column snapshot_month \\(data.time_column\\)"):
        search(trained_project, training.drop(columns=["snapshot_month"]))
    with pytest.raises(ProjectError, match="has no train.search: declare a grid"):
        search(with_train(trained_project, search=None), training)


@ON_REGRESSION
def test_tune_fails_and_names_the_better_values_when_the_configured_ones_fall_short(writable):
    settings = params_dict(writable.params.task)
    settings["train"]["hyperparameters"]["max_iter"] = 1  # a single tree must lose to 40
    settings["train"]["search"] = {"grid": {"max_iter": [1, 40]}, "folds": 2, "tolerance": 0}
    (writable.root / "params.yaml").write_text(yaml.safe_dump(settings))

    result = invoke(writable, "tune")

    assert result.exit_code == 1, result.output
    assert "rmse (mean over the folds) of 2 candidates:" in result.output
    assert "configured:" in result.output
    assert "error: the configured hyperparameters score" in result.output
    assert "{'max_iter': 40}" in result.output


@ON_REGRESSION
def test_tune_passes_when_the_configured_values_are_within_tolerance(writable):
    result = invoke(writable, "tune", "--top", "1")

    assert result.exit_code == 0, result.output
    shown = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert len(shown) == 1  # the best candidate only
    assert "shortfall:" in result.output
