"""Per-prediction attributions: exact for a linear model, and a clear way forward otherwise;
hand-made examples are checked against what the model knows before it explains or predicts."""

import importlib.util

import joblib
import numpy as np
import pandas as pd
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.attributions import LINEAR, attribute, example_table, split_pipeline
from ml_playbook.evaluation.examples import check_examples
from ml_playbook.modeling import inputs
from ml_playbook.modeling.categories import known_categories
from ml_playbook.modeling.training import fit
from ml_playbook.project.paths import EVALUATION_SET, TRAINING_SET
from tests.library.evaluation.conftest import ON_CLASSIFICATION, ON_REGRESSION, invoke


def features_of(project, frame: pd.DataFrame) -> pd.DataFrame:
    train = project.params.train
    return inputs.features(frame, train.numeric_features, train.categorical_features)


@pytest.fixture
def linear(trained_project):
    """A linear model on the training set: the trained model is a tree ensemble, and the
    exact check needs coefficients (fitting it takes a fraction of a second)."""
    train = trained_project.params.train
    project = trained_project.with_params(
        train=train.model_copy(update={"model": "linear", "hyperparameters": {}})
    )
    training = pd.read_parquet(project.root / TRAINING_SET)
    model = fit(project.build_model(), training, train)
    evaluation = pd.read_parquet(project.root / EVALUATION_SET)
    return project, model, features_of(project, training), features_of(project, evaluation)


def test_linear_attributions_are_coefficients_times_centred_values(linear):
    project, model, background, examples = linear
    preprocess, estimator = model.steps[0][1], model.steps[1][1]
    coefficients = np.ravel(estimator.coef_)
    centred = preprocess.transform(examples.head(5)) - preprocess.transform(background).mean(axis=0)
    by_column = coefficients * centred
    names = list(preprocess.get_feature_names_out())

    found = attribute(model, examples.head(5), background)

    assert found.method == LINEAR
    for feature in project.params.train.numeric_features:
        column = names.index(f"numeric__{feature}")
        assert found.values[feature].to_numpy() == pytest.approx(by_column[:, column])
    for feature in project.params.train.categorical_features:
        columns = [i for i, n in enumerate(names) if n.startswith(f"categorical__{feature}_")]
        assert found.values[feature].to_numpy() == pytest.approx(by_column[:, columns].sum(axis=1))


def test_attributions_and_the_base_add_up_to_the_models_output(linear):
    _, model, background, examples = linear
    margin = getattr(model, "decision_function", model.predict)

    found = attribute(model, examples.head(8), background)

    assert found.output_values() == pytest.approx(margin(examples.head(8)))


def test_an_example_lists_its_strongest_features_first(linear):
    _, model, background, examples = linear
    found = attribute(model, examples.head(1), background)

    table = example_table(found, examples.head(1), 0)

    assert list(table["attribution"].abs()) == sorted(table["attribution"].abs(), reverse=True)
    assert set(table["feature"]) == set(examples.columns)


def test_a_model_that_is_not_the_projects_pipeline_is_named(linear):
    _, model, _, _ = linear

    with pytest.raises(ProjectError, match="got a LogisticRegression|got a Ridge"):
        split_pipeline(model.steps[-1][1])


@pytest.mark.skipif(importlib.util.find_spec("shap") is not None, reason="SHAP is installed")
def test_a_tree_model_without_shap_says_how_to_get_it(trained_project, model_of):
    examples = features_of(trained_project, pd.read_parquet(trained_project.root / EVALUATION_SET))

    with pytest.raises(ProjectError, match="uv run --with shap"):
        attribute(model_of, examples.head(2), examples.head(2))


@pytest.mark.skipif(importlib.util.find_spec("shap") is None, reason="SHAP is not installed")
def test_with_shap_a_tree_models_attributions_add_up_to_its_output(trained_project, model_of):
    frame = features_of(trained_project, pd.read_parquet(trained_project.root / EVALUATION_SET))
    margin = getattr(model_of, "decision_function", model_of.predict)

    found = attribute(model_of, frame.head(4), frame.head(50))

    assert found.output_values() == pytest.approx(margin(frame.head(4)), abs=1e-4)


@ON_REGRESSION
def test_eval_attribute_explains_hand_made_examples(linear, writable, tmp_path):
    _, model, _, examples = linear
    joblib.dump(model, tmp_path / "linear.joblib")
    examples.head(2).to_csv(tmp_path / "examples.csv", index=False)

    result = invoke(
        writable,
        *("eval", "attribute", "--model", tmp_path / "linear.joblib"),
        *("--data", tmp_path / "examples.csv", "--top", "3"),
    )

    assert result.exit_code == 0, result.output
    assert result.output.count("example ") == 2
    report = writable.root / "reports/analysis/attributions"
    assert {"example-1.png", "example-2.png", "index.html"} <= {p.name for p in report.iterdir()}


@ON_CLASSIFICATION
def test_eval_attribute_on_a_tree_model_without_shap_is_one_line_naming_the_command(
    writable, monkeypatch
):
    # Given the default classification model (gradient-boosted trees) and no SHAP
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)

    result = invoke(writable, "eval", "attribute")

    assert result.exit_code == 1
    assert result.output.startswith("error: `eval attribute` explains a HistGradientBoosting")
    assert "`uv run --with shap tiny eval attribute`" in result.output
    assert len(result.output.splitlines()) == 1


@ON_CLASSIFICATION
def test_eval_attribute_on_a_test_set_keeps_the_rows_asked_for(writable):
    nowhere = invoke(writable, "eval", "attribute", "--where", "plan=gold")
    no_column = invoke(writable, "eval", "attribute", "--where", "star_sign=leo")

    assert nowhere.exit_code == 1
    assert "no rows of eval to explain: loosen --where" in nowhere.output
    assert no_column.exit_code == 1
    assert "--where star_sign=…: eval has no column star_sign" in no_column.output


def test_bad_hand_made_examples_name_the_row_and_field(trained_project, model_of):
    train = trained_project.params.train
    examples = pd.read_parquet(trained_project.root / EVALUATION_SET).head(3)
    examples.loc[1, "country"] = "Atlantis"
    examples.loc[2, train.numeric_features[0]] = None
    examples = examples.astype({train.numeric_features[1]: object})
    examples.loc[0, train.numeric_features[1]] = "many"

    with pytest.raises(ProjectError) as raised:
        check_examples(examples, train, model_of, "examples.csv")

    known = ", ".join(known_categories(model_of)["country"])
    assert raised.value.problems == [
        f"examples.csv: row 1: {train.numeric_features[1]} 'many' is not a number",
        f"examples.csv: row 2: country 'Atlantis' was never seen in training (known: {known})",
    ]


def test_a_missing_field_is_named(trained_project, model_of):
    examples = pd.read_parquet(trained_project.root / EVALUATION_SET).head(2)

    with pytest.raises(ProjectError, match="no column 'plan'"):
        check_examples(
            examples.drop(columns=["plan"]), trained_project.params.train, model_of, "examples.csv"
        )


@ON_CLASSIFICATION
def test_the_schema_command_lists_the_fields_and_the_known_categories(writable):
    result = invoke(writable, "eval", "schema")

    assert result.exit_code == 0, result.output
    assert "monthly_fee                number" in result.output
    assert "country                    one of: GB, KR, US" in result.output


@ON_REGRESSION
def test_predict_refuses_a_category_the_model_never_saw(writable, tmp_path):
    label = writable.params.train.label
    examples = pd.read_parquet(writable.root / EVALUATION_SET).head(2).drop(columns=[label])
    examples.loc[0, "country"] = "Atlantis"
    examples.to_csv(tmp_path / "examples.csv", index=False)

    result = invoke(writable, "predict", tmp_path / "examples.csv")

    assert result.exit_code == 1
    assert "row 1: country 'Atlantis' was never seen in training" in result.output
