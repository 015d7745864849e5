"""The test sets: every set of params.yaml is scored, recorded in reports/metrics.json and the
registry under its name, and reported per slice — a column or a slice the project registers —
with counts."""

from dataclasses import replace

import pandas as pd
import pytest
import yaml

from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.sets import (
    logged_metrics,
    metrics_document,
    read_set,
    score_set,
    score_sets,
    select,
)
from ml_playbook.evaluation.slices import all_slices, slice_labels, slice_table, small_slices
from ml_playbook.project import Extensions
from ml_playbook.project.params import EvalSet
from tests.library.evaluation.conftest import GOLDEN, ON_CLASSIFICATION, ON_REGRESSION, invoke
from tests.library.factory import params_dict, write_project


def test_every_test_set_is_recorded_with_the_primary_on_top(two_sets, model_of):
    results = score_sets(two_sets, model_of)

    document = metrics_document(results)

    assert list(document["sets"]) == ["eval", "golden"]
    metric = two_sets.params.evaluate.primary_metric
    assert document[metric] == document["sets"]["eval"][metric]
    assert document["rows"] == document["sets"]["eval"]["rows"]
    assert document["sets"]["golden"]["rows"] == len(pd.read_csv(two_sets.root / GOLDEN))


def test_each_sets_metrics_are_logged_under_the_sets_name(two_sets, model_of):
    document = metrics_document(score_sets(two_sets, model_of))

    logged = logged_metrics(document)

    metric = two_sets.params.evaluate.primary_metric
    assert logged[metric] == document[metric]  # the gate reads the primary set's
    assert logged[f"golden.{metric}"] == document["sets"]["golden"][metric]
    assert logged["golden.rows"] == document["sets"]["golden"]["rows"]
    assert "rows" not in logged
    assert all(isinstance(value, int | float) for value in logged.values())


def test_every_metric_of_the_task_is_reported_the_projects_own_included(scored, trained_project):
    document = metrics_document(scored)

    assert set(document) == {"rows", "sets", *trained_project.metrics}


def test_select_keeps_the_order_asked_and_names_the_known_sets_for_an_unknown_one():
    sets = [EvalSet(name=name, model="set_eval", owner="ds") for name in ("eval", "golden")]

    assert [s.name for s in select(sets, ["golden", "eval"])] == ["golden", "eval"]
    assert select(sets, None) == sets
    with pytest.raises(ProjectError, match="no test set named holdout: .* has eval, golden"):
        select(sets, ["holdout"])


def test_a_hand_made_set_that_leaves_a_feature_out_names_the_file_and_the_column(
    two_sets, model_of
):
    frame = pd.read_csv(two_sets.root / GOLDEN).drop(columns=["tenure_months", "country"])
    frame.to_csv(two_sets.root / GOLDEN, index=False)

    with pytest.raises(ProjectError, match="no column.*tenure_months, country"):
        score_set(two_sets, model_of, two_sets.params.test_sets[1])


def test_a_missing_hand_made_set_names_the_setting(two_sets, model_of):
    (two_sets.root / GOLDEN).unlink()

    with pytest.raises(ProjectError, match="test set 'golden': .*golden.csv not found; fix `file`"):
        score_set(two_sets, model_of, two_sets.params.test_sets[1])


def test_a_hand_made_set_with_a_header_and_no_rows_names_the_set(two_sets, model_of):
    pd.read_csv(two_sets.root / GOLDEN).head(0).to_csv(two_sets.root / GOLDEN, index=False)

    with pytest.raises(ProjectError, match="test set 'golden': .*golden.csv has no rows"):
        score_set(two_sets, model_of, two_sets.params.test_sets[1])


def test_a_set_the_pipeline_has_not_made_names_the_stage(tmp_path):
    project = write_project(tmp_path / "p")

    with pytest.raises(ProjectError, match="run `dvc repro split` first"):
        read_set(project, project.params.test_sets[0])


def test_a_set_without_the_label_is_named(two_sets, model_of):
    label = two_sets.params.train.label
    pd.read_csv(two_sets.root / GOLDEN).drop(columns=[label]).to_csv(
        two_sets.root / GOLDEN, index=False
    )

    with pytest.raises(ProjectError, match=f"test set 'golden' has no column.* {label}"):
        score_set(two_sets, model_of, two_sets.params.test_sets[1])


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ({"name": "holdout", "owner": "ds"}, "exactly one of"),
        ({"name": "holdout", "owner": "ds", "model": "set_x", "file": "x.csv"}, "exactly one of"),
        ({"name": "holdout", "owner": "ds", "file": "../outside.csv"}, "inside the project"),
        ({"name": "holdout", "owner": "ds", "file": "/etc/passwd"}, "inside the project"),
        ({"name": "Hold Out", "owner": "ds", "model": "set_x"}, "test_sets"),
    ],
)
def test_a_malformed_test_set_is_a_one_line_error(project, entry, complaint):
    (project.root / "params.yaml").write_text(yaml.safe_dump(params_dict(test_sets=[entry])))

    with pytest.raises(ProjectError) as raised:
        project.spec.load(project.root)

    assert complaint in str(raised.value)
    assert "\n" not in str(raised.value)


def test_two_sets_of_one_name_are_refused(project):
    entry = {"name": "eval", "owner": "ds", "model": "set_eval"}
    (project.root / "params.yaml").write_text(yaml.safe_dump(params_dict(test_sets=[entry] * 2)))

    with pytest.raises(ProjectError, match="more than once"):
        project.spec.load(project.root)


def test_slices_count_every_row_and_flag_the_small_ones(trained_project, model_of):
    spec = EvalSet(name="eval", model="set_eval", owner="ds", slices=["plan", "monthly_fee"])
    spec_many = EvalSet(name="eval", model="set_eval", owner="ds", slices=["sessions_window"])
    result = score_set(trained_project, model_of, spec)

    table = slice_table(trained_project, result, min_rows=10**6)
    many = slice_table(trained_project, score_set(trained_project, model_of, spec_many))

    for _, part in table.groupby("column"):
        assert part["rows"].sum() == result.rows
    assert set(table["value"][table["column"] == "plan"]) == set(result.frame["plan"])
    assert len(small_slices(table)) == len(table)  # every slice is under a million rows
    assert table["value"][table["column"] == "monthly_fee"].nunique() == 3  # three values
    assert many["value"].nunique() == 4  # many values: quartiles
    assert trained_project.params.evaluate.primary_metric in table.columns


def test_a_registered_slice_groups_rows_beside_the_columns(trained_project, model_of):
    spec = EvalSet(name="eval", model="set_eval", owner="ds", slices=["tenure_band", "plan"])
    result = score_set(trained_project, model_of, spec)

    table = slice_table(trained_project, result)

    bands = table[table["column"] == "tenure_band"]
    assert set(bands["value"]) <= {"(-1, 6]", "(6, 12]", "(12, 1000]"}
    assert len(bands) >= 2
    assert bands["rows"].sum() == result.rows


def test_a_registered_slice_wins_over_a_column_of_its_name(tmp_path):
    frame = pd.DataFrame({"plan": ["basic", "premium", "basic"]})
    registered = {"plan": lambda rows: rows["plan"].map({"basic": "cheap", "premium": "dear"})}

    labels = slice_labels(frame, "plan", registered, "test set 'eval'")

    assert labels.tolist() == ["cheap", "dear", "cheap"]


def test_a_slice_that_is_neither_a_column_nor_registered_names_the_set_and_the_name(
    trained_project, model_of
):
    spec = EvalSet(name="eval", model="set_eval", owner="ds", slices=["star_sign"])

    with pytest.raises(ProjectError) as raised:
        score_set(trained_project, model_of, spec)

    assert len(raised.value.problems) == 1
    assert "test set 'eval'" in raised.value.problems[0]
    assert "star_sign" in raised.value.problems[0]
    assert "extend.py" in raised.value.problems[0]


@pytest.mark.parametrize(
    ("function", "complaint"),
    [
        (
            lambda rows: rows["no_such_column"],
            "slice 'band' of extend.py fails on test set 'eval': KeyError",
        ),
        (lambda rows: rows["plan"].head(3), "gives 3 groups for the 900 rows of test set 'eval'"),
    ],
)
def test_a_registered_slice_that_breaks_is_one_line_naming_it(
    trained_project, model_of, function, complaint
):
    spec_with_band = replace(trained_project.spec, extensions=Extensions(slices={"band": function}))
    project = spec_with_band.load(trained_project.root)
    spec = EvalSet(name="eval", model="set_eval", owner="ds", slices=["band"])

    with pytest.raises(ProjectError) as raised:
        all_slices(project, [score_set(project, model_of, spec)])

    assert len(raised.value.problems) == 1
    assert complaint in raised.value.problems[0]


@ON_REGRESSION
def test_eval_metrics_reports_each_set_and_slice_and_warns_on_small_ones(two_sets):
    settings = yaml.safe_load((two_sets.root / "params.yaml").read_text())
    settings["evaluate"]["min_slice_rows"] = 80
    (two_sets.root / "params.yaml").write_text(yaml.safe_dump(settings))

    result = invoke(two_sets, "eval", "metrics", "--set", "eval", "--set", "golden")

    assert result.exit_code == 0, result.output
    assert "golden" in result.output
    assert "per slice" in result.output
    assert "too few to trust" in result.output  # the golden set's 40 rows are under 80
    index = (two_sets.root / "reports/analysis/index.html").read_text()
    assert 'href="metrics/index.html"' in index


@ON_CLASSIFICATION
def test_eval_sets_lists_each_set_and_whether_it_is_made(two_sets):
    (two_sets.root / GOLDEN).unlink()

    result = invoke(two_sets, "eval", "sets")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("eval ") and "slices: plan, country" in lines[0]
    assert "not made yet" not in lines[0]
    assert lines[1].startswith("golden ") and "(not made yet: `make pipeline`)" in lines[1]


@ON_CLASSIFICATION
def test_an_unknown_set_names_the_known_ones(two_sets):
    result = invoke(two_sets, "eval", "metrics", "--set", "holdout")

    assert result.exit_code == 1
    assert "no test set named holdout" in result.output
    assert "golden" in result.output


@pytest.mark.parametrize(
    "command",
    ["sets", "metrics", "compare", "mistakes", "attribute", "history", "schema", "report"],
)
def test_every_eval_command_explains_itself(project, command):
    result = invoke(project, "eval", command, "--help")

    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
