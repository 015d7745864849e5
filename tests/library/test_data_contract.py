"""One contract from params.yaml for the feature table and every hand-made example file:
`validate` names the file and the column that break it, before anything trains; a rule for a
column the table lacks and a feature table the SQL does not build are named too."""

import re

import pandas as pd
import pytest

from ml_playbook.data.contract import check_example_files
from ml_playbook.data.schema import read_feature_table, validate
from ml_playbook.errors import ProjectError
from ml_playbook.project.params import EvalSet
from tests.library.factory import KEYS, feature_table, params_dict, write_project

GOLDEN = "data/samples/golden.csv"


def with_golden(tmp_path, frame: pd.DataFrame, **sections):
    """A project whose golden set (a test set and the verify examples) holds `frame`."""
    golden = {"name": "golden", "file": GOLDEN, "owner": "ds"}
    project = write_project(
        tmp_path / "p",
        test_sets=[*params_dict()["test_sets"], golden],
        release={"verify_examples": GOLDEN},
        **sections,
    )
    (project.root / GOLDEN).parent.mkdir(parents=True)
    frame.to_csv(project.root / GOLDEN, index=False)
    return project


@pytest.fixture
def examples() -> pd.DataFrame:
    return feature_table(customers=6, months=1).drop(columns=KEYS)


def test_examples_holding_every_feature_and_the_label_pass(tmp_path, examples):
    check_example_files(with_golden(tmp_path, examples))


def test_a_file_without_a_feature_names_the_file_its_roles_and_the_column(tmp_path, examples):
    project = with_golden(tmp_path, examples.drop(columns=["monthly_fee"]))

    with pytest.raises(ProjectError) as refused:
        check_example_files(project)

    assert refused.value.problems == [
        f"{GOLDEN} (test set 'golden', release.verify_examples) has no column monthly_fee, "
        "which params.yaml train names: add it with a value for each example"
    ]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"plan": "gold"}, "column 'plan': 1 value(s) fail isin"),
        ({"monthly_fee": None}, "column 'monthly_fee'"),
        ({"tenure_months": -3}, "column 'tenure_months': 1 value(s) fail greater_than_or_equal_to"),
    ],
)
def test_a_value_that_breaks_its_rule_or_is_empty_is_named(tmp_path, examples, change, named):
    broken = examples.copy()
    for column, value in change.items():
        broken[column] = broken[column].astype(object)
        broken.loc[0, column] = value

    with pytest.raises(ProjectError, match=re.escape(named)):
        check_example_files(with_golden(tmp_path, broken))


def test_a_test_set_without_the_label_and_a_missing_file_are_each_one_line(tmp_path, examples):
    project = with_golden(tmp_path, examples.drop(columns=["churned"]))
    gone = EvalSet(name="gone", file="data/samples/gone.csv", owner="ds")
    project = project.with_params(test_sets=[*project.params.test_sets, gone])

    with pytest.raises(ProjectError) as refused:
        check_example_files(project)

    problems = refused.value.problems
    assert any("has no column 'churned' (the label)" in line for line in problems)
    assert any(
        "data/samples/gone.csv (test set 'gone') does not exist" in line for line in problems
    )


def test_a_rule_for_a_column_the_table_lacks_is_named_with_its_setting(tmp_path):
    data = params_dict()["data"]
    data["rules"]["monthly_fe"] = {"min": 0}
    project = write_project(tmp_path / "p", data=data)

    with pytest.raises(ProjectError) as refused:
        validate(feature_table(customers=5, months=1), project.params)

    assert refused.value.problems == [
        "params.yaml data.rules.monthly_fe: feat_customer_month has no column monthly_fe; fix "
        "the name or drop the rule"
    ]


def test_a_feature_table_the_sql_does_not_build_names_the_setting_and_the_models(tmp_path):
    data = {**params_dict()["data"], "table": "feat_nope"}
    project = write_project(tmp_path / "p", data=data)
    built = project.root / "data/interim/feat_customer_month.parquet"
    built.parent.mkdir(parents=True)
    feature_table(customers=5, months=1).to_parquet(built)

    refusal = r"data.table names feat_nope, which the SQL does not build: the feature models are"
    with pytest.raises(ProjectError, match=refusal + " feat_customer_month$"):
        read_feature_table(project)


@pytest.mark.parametrize(("rows", "min_rows"), [(0, 1), (40, 100)])
def test_a_feature_table_with_fewer_rows_than_data_min_rows_is_refused(tmp_path, rows, min_rows):
    # Given a feature table emptied (or nearly) upstream, e.g. by a window longer than the data
    data = {**params_dict()["data"], "min_rows": min_rows}
    project = write_project(tmp_path / "p", data=data)
    built = project.root / "data/interim/feat_customer_month.parquet"
    built.parent.mkdir(parents=True)
    feature_table(customers=20, months=4).head(rows).to_parquet(built)

    # When validate reads it, then it names the count, the setting and what to check
    with pytest.raises(ProjectError) as refused:
        read_feature_table(project)

    assert refused.value.problems == [
        f"data/interim/feat_customer_month.parquet holds {rows} rows, fewer than params.yaml "
        f"data.min_rows ({min_rows}): check the settings and sources "
        "sql/features/feat_customer_month.sql reads (`dvc repro generate` remakes it), or lower "
        "data.min_rows"
    ]


def test_data_min_rows_must_be_at_least_one(tmp_path):
    data = {**params_dict()["data"], "min_rows": 0}

    with pytest.raises(ProjectError, match="data.min_rows"):
        write_project(tmp_path / "p", data=data)
