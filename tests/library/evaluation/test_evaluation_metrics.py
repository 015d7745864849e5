"""The project's own metrics (its extensions) are computed with the standard ones on every test
set and slice, logged under each set's name, and may decide the registry gate; the metrics of
a trained model are reproducible and defined where they can be."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.analysis import metrics
from ml_playbook.evaluation.sets import logged_metrics, metrics_document, score_sets
from ml_playbook.evaluation.slices import all_slices
from ml_playbook.modeling import inputs
from ml_playbook.modeling.metrics import Metric, is_better, model_scores
from ml_playbook.modeling.training import fit
from ml_playbook.project import Extensions
from ml_playbook.project.paths import EVALUATION_SET, TRAINING_SET
from ml_playbook.stage import load_model


def mean_score(label, score) -> float:
    return float(np.mean(score))


@pytest.fixture
def with_mean_score(trained_project):
    """The trained project with a metric of its own for its task (lower is better)."""
    task = trained_project.params.task
    own = Extensions(metrics={task: {"mean_score": Metric(mean_score, lower_is_better=True)}})
    return replace(trained_project.spec, extensions=own).load(trained_project.root)


def test_a_projects_metric_reaches_every_set_every_slice_and_the_logged_metrics(with_mean_score):
    results = score_sets(with_mean_score, load_model(with_mean_score.root))

    document = metrics_document(results)
    slices = all_slices(with_mean_score, results)

    assert all("mean_score" in values for values in document["sets"].values())
    assert logged_metrics(document)["eval.mean_score"] == document["sets"]["eval"]["mean_score"]
    assert slices["mean_score"].notna().all()
    assert document["mean_score"] == pytest.approx(round(float(np.mean(results[0].scores)), 6))


def test_a_projects_metric_may_decide_the_gate_in_its_own_direction(with_mean_score):
    gated = with_mean_score.spec.load(
        with_mean_score.root, overrides={"evaluate.primary_metric": "mean_score"}
    )

    assert gated.primary_metric.lower_is_better
    assert is_better(gated.primary_metric, challenger=0.1, champion=0.2, margin=0.0)
    assert not is_better(gated.primary_metric, challenger=0.3, champion=0.2, margin=0.0)


@pytest.mark.parametrize(
    ("task", "metric", "challenger", "champion", "margin", "better"),
    [
        ("binary_classification", "roc_auc", 0.80, 0.75, 0.0, True),
        ("binary_classification", "roc_auc", 0.76, 0.75, 0.02, False),
        ("regression", "rmse", 9.0, 10.0, 0.0, True),
        ("regression", "rmse", 11.0, 10.0, 0.0, False),
        ("binary_classification", "log_loss", 0.5, 0.5, 0.0, False),
    ],
)
def test_better_respects_the_metric_direction_and_margin(
    project, task, metric, challenger, champion, margin, better
):
    chosen = project.spec.metrics[task][metric]

    assert is_better(chosen, challenger, champion, margin) is better


def test_the_same_params_and_data_give_the_same_metrics(trained_project):
    train = trained_project.params.train
    training, evaluation = (
        pd.read_parquet(trained_project.root / path) for path in (TRAINING_SET, EVALUATION_SET)
    )

    first, second = (
        metrics(trained_project, fit(trained_project.build_model(), training, train), evaluation)
        for _ in "ab"
    )

    assert first == second
    assert set(first) == set(trained_project.metrics)


def test_the_model_learns_something(scored, trained_project):
    values = scored[0].metrics

    if trained_project.params.task == "binary_classification":
        assert values["roc_auc"] > 0.55
    else:
        assert values["r2"] > 0.2


def test_metrics_not_defined_on_the_rows_are_left_out_not_reported_as_numbers(
    trained_project, model_of
):
    frame = pd.read_parquet(trained_project.root / EVALUATION_SET).head(1)

    values = metrics(trained_project, model_of, frame)

    assert "roc_auc" not in values and "r2" not in values
    assert all(np.isfinite(value) for value in values.values())


def test_the_model_answers_with_finite_numbers_even_at_the_edges_of_its_inputs(
    trained_project, model_of
):
    train = trained_project.params.train
    frame = inputs.features(
        pd.read_parquet(trained_project.root / EVALUATION_SET),
        train.numeric_features,
        train.categorical_features,
    )
    numeric = train.numeric_features
    extremes = pd.concat([frame, frame.assign(**{c: frame[c] * 1000 for c in numeric})])

    scores = model_scores(model_of, extremes, trained_project.params.task)

    assert np.isfinite(scores).all()
    if trained_project.params.task == "binary_classification":
        assert ((scores >= 0) & (scores <= 1)).all()


def test_a_missing_feature_column_is_named(trained_project, model_of):
    frame = pd.read_parquet(trained_project.root / EVALUATION_SET).drop(columns=["plan"])

    with pytest.raises(ProjectError, match="the data set has no column.*plan"):
        metrics(trained_project, model_of, frame)
