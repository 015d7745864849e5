"""The baseline beside every model: a one-feature linear model (logistic for churn, least
squares for spend), the feature chosen on the training set; the prior when there is no numeric
feature. Scored on every test set, kept in reports/metrics.json and logged with the run."""

import joblib
import pandas as pd

from ml_playbook.evaluation.baseline import fit_baseline
from ml_playbook.evaluation.sets import logged_metrics, metrics_document, score_sets
from ml_playbook.modeling.metrics import is_better
from ml_playbook.project.paths import MODEL, TRAINING_SET


def baseline_of(project):
    return fit_baseline(project, pd.read_parquet(project.root / TRAINING_SET))


def test_the_baseline_is_one_numeric_feature_chosen_on_the_training_set(trained_project):
    baseline = baseline_of(trained_project)
    kind = "logistic" if trained_project.params.task.startswith("binary") else "linear"

    feature = baseline.description.removeprefix("one feature: ").split(" ")[0]
    assert feature in trained_project.params.train.numeric_features
    assert baseline.description.endswith(f"({kind} regression)")


def test_the_model_and_its_baseline_are_scored_on_every_set_and_recorded(trained_project):
    # Given the trained model and its baseline
    project, metric = trained_project, trained_project.params.evaluate.primary_metric
    baseline = baseline_of(project)

    # When both are scored on the test sets
    document = metrics_document(
        score_sets(project, joblib.load(project.root / MODEL)),
        (baseline.description, score_sets(project, baseline.model)),
    )
    logged = logged_metrics(document)

    # Then the baseline is in metrics.json and the run's metrics, and the model beats it
    assert document["baseline"]["model"] == baseline.description
    assert set(document["baseline"]["sets"]) == {spec.name for spec in project.params.test_sets}
    model, simple = logged[f"eval.{metric}"], logged[f"baseline.eval.{metric}"]
    assert is_better(project.primary_metric, model, simple, 0.0), (model, simple)


def test_without_numeric_features_the_baseline_is_the_prior(trained_project):
    train = trained_project.params.train.model_copy(
        update={"numeric_features": [], "categorical_features": ["plan", "country"]}
    )
    project = trained_project.with_params(train=train)

    baseline = baseline_of(project)

    assert baseline.description == "the training set's prior (no numeric feature)"
