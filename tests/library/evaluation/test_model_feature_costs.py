"""Every feature's cost — the model inputs the project's own preprocessing makes of it, the
bytes it adds to a request — is measured and held within params.yaml `feature_budget`."""

from dataclasses import replace

import pandas as pd
import pytest

from ml_playbook.evaluation.feature_costs import FeatureCost, feature_costs, over_budget
from ml_playbook.project.paths import TRAINING_SET


def with_train(project, **changes):
    return project.with_params(train=project.params.train.model_copy(update=changes))


@pytest.fixture
def training(trained_project) -> pd.DataFrame:
    return pd.read_parquet(trained_project.root / TRAINING_SET)


def test_no_feature_costs_more_than_the_budget_allows(trained_project, training):
    costs = feature_costs(trained_project, training)

    assert [cost.feature for cost in costs] == trained_project.params.train.features
    assert [cost.model_inputs for cost in costs] == [
        1,
        1,
        1,
        1,
        3,
        3,
    ]  # one-hot: 3 plans, 3 countries
    assert all(cost.bytes_per_row > 0 for cost in costs)
    assert over_budget(trained_project, costs) == []


def test_a_many_valued_category_is_over_budget_and_named(trained_project, training):
    costly = with_train(
        trained_project,
        categorical_features=[*trained_project.params.train.categorical_features, "customer_id"],
    )

    problems = over_budget(costly, feature_costs(costly, training))

    assert len(problems) == 1
    assert problems[0].startswith(
        f"feature customer_id becomes {training['customer_id'].nunique()} model inputs"
    )


def test_a_long_text_value_is_over_the_bytes_budget(trained_project, training):
    training = training.assign(plan=training["plan"] + " plan, billed monthly, renewed yearly")

    problems = over_budget(trained_project, feature_costs(trained_project, training))

    assert [line.split(" adds ")[0] for line in problems] == ["feature plan"]
    assert "send a code, not the text" in problems[0]


def test_an_over_budget_line_names_the_measured_bytes_and_the_budget(trained_project):
    cost = FeatureCost("plan", 3, 40.5)
    budget = trained_project.params.feature_budget.model_copy(update={"max_bytes_per_row": 40})
    project = trained_project.with_params(feature_budget=budget)

    assert over_budget(project, [cost]) == [
        "feature plan adds 40.5 bytes per row (budget 40): send a code, not the text"
    ]


def test_a_model_reading_the_features_directly_has_one_input_each(trained_project, training):
    from sklearn.linear_model import LinearRegression

    bare = replace(trained_project.spec, build_model=lambda params: LinearRegression())
    project = bare.load(trained_project.root)

    costs = feature_costs(project, training)

    assert {cost.model_inputs for cost in costs} == {1}
