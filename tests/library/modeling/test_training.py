"""Fitting the project's model: what scikit-learn would take silently is refused in one line
naming params.yaml — a yes/no where a number goes, a label that is not 0/1 under binary
classification — in train and in every command that scores a model (evaluate, release)."""

import pytest
import yaml

from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.sets import score_sets
from ml_playbook.modeling.metrics import REGRESSION
from ml_playbook.modeling.training import fit
from tests.library.factory import feature_table, params_dict, write_project


def with_hyperparameters(project, **values):
    params = params_dict(project.params.task)
    params["train"]["hyperparameters"] = values
    (project.root / "params.yaml").write_text(yaml.safe_dump(params))
    return project.spec.load(project.root)


@pytest.mark.parametrize("value", [True, False])
def test_a_yes_no_where_the_estimator_takes_a_number_is_refused(project, value):
    # Given max_iter: true (YAML's true is Python's True, which is the int 1)
    project = with_hyperparameters(project, max_iter=value)

    # When the model is fitted, then it is refused naming the setting
    with pytest.raises(ProjectError, match=r"train\.hyperparameters\.max_iter: .* is a yes/no"):
        fit(project.build_model(), feature_table(), project.params.train)


def test_a_yes_no_where_the_estimator_takes_one_is_fitted(project):
    project = with_hyperparameters(project, warm_start=True, max_iter=20)

    model = fit(project.build_model(), feature_table(customers=60), project.params.train)

    assert model.steps[-1][1].warm_start is True


def multi_class(frame):
    frame = frame.copy()
    frame["churned"] = frame["customer_id"] % 3  # 0, 1 and 2
    return frame


def test_a_label_of_three_values_is_refused_by_train_under_binary_classification(project):
    with pytest.raises(ProjectError) as caught:
        fit(project.build_model(), multi_class(feature_table()), project.params.train)

    message = str(caught.value)
    assert "the label 'churned' holds 3 different values (0, 1, 2)" in message
    assert "binary_classification needs 0 and 1" in message


def test_a_label_of_three_values_is_refused_when_a_set_is_scored(project, tmp_path):
    # Given a model trained on a 0/1 label, and a test set whose label has three values
    model = fit(project.build_model(), feature_table(customers=80), project.params.train)
    (project.root / "data/processed").mkdir(parents=True, exist_ok=True)
    multi_class(feature_table(customers=80)).to_parquet(
        project.root / "data/processed/set_eval.parquet", index=False
    )

    with pytest.raises(ProjectError, match="test set 'eval': the label 'churned' holds 3"):
        score_sets(project, model)


def test_a_boolean_or_float_zero_one_label_is_taken(project):
    frame = feature_table(customers=80)
    frame["churned"] = frame["churned"].astype(bool)

    fit(project.build_model(), frame, project.params.train)


def test_a_regression_label_may_hold_any_number(tmp_path):
    project = write_project(tmp_path / "p", REGRESSION)

    fit(project.build_model(), feature_table(customers=80), project.params.train)
