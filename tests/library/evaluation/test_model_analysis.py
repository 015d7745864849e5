"""The model on chosen data: predictions for hand-made examples, the metrics, which features
matter, and every command's problem reported as one error line."""

import math

import pandas as pd
import pytest

from ml_playbook.evaluation.analysis import feature_importance, predictions
from ml_playbook.modeling import inputs
from ml_playbook.modeling.metrics import compute_metric, model_scores, scorer
from ml_playbook.project.paths import EVALUATION_SET
from tests.library.evaluation.conftest import ON_CLASSIFICATION, ON_REGRESSION, invoke


def test_predictions_are_the_rows_with_a_prediction_the_label_optional(trained_project, model_of):
    label = trained_project.params.train.label
    rows = pd.read_parquet(trained_project.root / EVALUATION_SET).head(4).drop(columns=[label])

    table = predictions(trained_project, model_of, rows)

    assert list(table.columns) == [*rows.columns, "prediction"]
    assert table["prediction"].notna().all()


def test_every_metric_of_the_task_has_its_own_scorer(trained_project, model_of):
    params = trained_project.params
    frame = pd.read_parquet(trained_project.root / EVALUATION_SET)
    features = inputs.features(
        frame, params.train.numeric_features, params.train.categorical_features
    )
    label = inputs.label(frame, params.train.label)
    scores = model_scores(model_of, features, params.task)

    for name, metric in trained_project.metrics.items():
        value = scorer(metric, params.task)(model_of, features, label)
        expected = compute_metric(metric, label, scores)
        assert math.isclose(value, -expected if metric.lower_is_better else expected), name


def test_importance_ranks_every_feature(trained_project, model_of):
    frame = pd.read_parquet(trained_project.root / EVALUATION_SET).head(300)

    importance = feature_importance(trained_project, model_of, frame)

    assert sorted(importance.index) == sorted(trained_project.params.train.features)
    assert importance.is_monotonic_decreasing


@ON_REGRESSION
def test_predict_scores_hand_crafted_examples(writable, tmp_path):
    label = writable.params.train.label
    examples = pd.read_parquet(writable.root / EVALUATION_SET).head(3).drop(columns=[label])
    examples.to_csv(tmp_path / "examples.csv", index=False)

    result = invoke(writable, "predict", tmp_path / "examples.csv", "--output", tmp_path / "o.csv")

    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "o.csv")["prediction"]) == 3


@ON_CLASSIFICATION
def test_score_computes_every_metric_on_a_chosen_set(writable):
    result = invoke(writable, "score", EVALUATION_SET)

    assert result.exit_code == 0, result.output
    for name in writable.metrics:
        assert f"{name}: " in result.output
    assert "top_decile_precision" in result.output  # the project's own metric too


@ON_CLASSIFICATION
def test_score_says_which_metrics_the_rows_do_not_define(writable, tmp_path):
    one = pd.read_parquet(writable.root / EVALUATION_SET).head(1)
    one.to_csv(tmp_path / "one.csv", index=False)

    result = invoke(writable, "score", tmp_path / "one.csv")

    assert result.exit_code == 0, result.output
    assert "roc_auc: not defined on these rows" in result.output


@ON_REGRESSION
def test_explain_ranks_the_features(writable):
    result = invoke(writable, "explain", EVALUATION_SET, "--top", "3")

    assert result.exit_code == 0, result.output
    assert "permutation importance (how much rmse worsens when shuffled):" in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("  ")]) == 3


@ON_CLASSIFICATION
def test_explain_on_rows_the_primary_metric_cannot_judge_is_one_line(writable, tmp_path):
    label = writable.params.train.label
    frame = pd.read_parquet(writable.root / EVALUATION_SET)
    frame[frame[label] == 0].head(20).to_csv(tmp_path / "negatives.csv", index=False)

    result = invoke(writable, "explain", tmp_path / "negatives.csv")

    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert "roc_auc cannot be computed on these rows" in result.output
    assert len(result.output.strip().splitlines()) == 1


@ON_CLASSIFICATION
def test_a_missing_file_is_a_one_line_error(writable):
    result = invoke(writable, "predict", "nowhere.csv")

    assert result.exit_code == 1
    assert result.output.strip() == "error: nowhere.csv: no such file; give a CSV or Parquet file"


@ON_CLASSIFICATION
@pytest.mark.parametrize(
    "command",
    [
        ["eval", "sets"],
        ["eval", "metrics"],
        ["eval", "compare", "a", "b"],
        ["eval", "mistakes"],
        ["eval", "attribute"],
        ["eval", "history"],
        ["eval", "schema"],
        ["predict", "x.csv"],
        ["score", "x.csv"],
        ["explain", "x.csv"],
        ["tune"],
    ],
)
def test_every_command_reports_a_broken_params_file_as_one_error_line(writable, command):
    (writable.root / "params.yaml").write_text("task: [unclosed\n")

    result = invoke(writable, *command)

    assert result.exit_code == 1, command
    assert result.output.startswith("error: "), result.output
    assert "params.yaml: not valid YAML" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_predict_help_names_every_form_of_examples_and_where_the_fields_are_listed(project):
    result = invoke(project, "predict", "--help")

    assert result.exit_code == 0
    words = " ".join(result.output.replace("│", " ").split())  # the help box, unwrapped
    for form in ("CSV", "Parquet", "JSON", "JSON Lines", "--example", "field=value"):
        assert form in words, form
    assert "`eval schema` lists" in words
    assert "champion@YYYY-MM-DD" in words  # --model takes a registry reference
