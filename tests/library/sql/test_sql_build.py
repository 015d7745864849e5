"""dbt builds a project's SQL models on DuckDB as the stages ask: each layer after the ones it
reads, its tables written to the folder the stage names and nowhere else, its assertion tests
run; a broken model, a failing assertion, an empty table or an unknown source is a one-line
error naming its file, and then nothing is written."""

import pandas as pd
import pytest

from ml_playbook import sql
from ml_playbook.conventions import SQL_MODEL_LAYERS
from ml_playbook.errors import ProjectError
from ml_playbook.project.paths import EVALUATION_SET, INTERIM_DIR, PROCESSED_DIR, TRAINING_SET
from ml_playbook.sql.dbt import empty_hint
from tests.library.sql.sql_factory import EVAL_FROM, SOURCES, TINY_SQL

ASSERTIONS = sorted(path.name for path in (TINY_SQL / "tests").glob("*.sql"))
SALT = "another-secret-salt-1234"


def files_under(folder) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("assertion", ASSERTIONS)
def test_every_assertion_runs_in_the_stage_that_builds_what_it_reads_and_returns_no_rows(
    built_sql_project, assertion
):
    _, runs = built_sql_project

    results = {**runs["generate"].tests, **runs["split"].tests}

    assert results.get(assertion) == 0, f"{assertion}: {results.get(assertion, 'not run')}"


def test_each_stage_builds_its_layers_and_reads_the_earlier_ones_from_their_tables(
    built_sql_project,
):
    _, runs = built_sql_project

    layers = {stage: {model.layer for model in run.models} for stage, run in runs.items()}

    assert layers == {"generate": {"staging", "features"}, "split": {"sets"}}


def test_the_build_writes_each_model_into_the_folder_it_is_given(built_sql_project):
    project, runs = built_sql_project

    assert files_under(project.root / INTERIM_DIR) == [
        "feat_customer_month.parquet",
        "stg_activity.parquet",
        "stg_customers.parquet",
    ]
    assert files_under(project.root / PROCESSED_DIR) == ["set_eval.parquet", "set_train.parquet"]
    rows = pd.read_parquet(project.root / TRAINING_SET)
    assert len(rows) == runs["split"].rows["set_train"] > 0


def test_a_model_knows_where_the_pipeline_keeps_its_table(built_sql_project):
    project, runs = built_sql_project

    kept = {model.output(project.root).relative_to(project.root) for model in runs["split"].models}

    assert kept == {TRAINING_SET, EVALUATION_SET}


def test_the_params_sections_named_by_sql_vars_reach_the_models(built_sql_project):
    project, _ = built_sql_project

    train = pd.read_parquet(project.root / TRAINING_SET)
    evaluation = pd.read_parquet(project.root / EVALUATION_SET)

    assert train["snapshot_month"].max() < EVAL_FROM <= evaluation["snapshot_month"].min()


def test_a_build_without_a_folder_writes_no_table(scratch):
    before = {path: path.read_bytes() for path in (scratch.root / "data").rglob("*.parquet")}

    run = sql.checked(sql.build(scratch))

    assert {model.layer for model in run.models} == set(SQL_MODEL_LAYERS)
    assert run.rows == {}
    after = {path: path.read_bytes() for path in (scratch.root / "data").rglob("*.parquet")}
    assert after == before


def test_the_staging_model_pseudonymises_with_the_salt_of_the_environment(
    built_sql_project, scratch, tmp_path, monkeypatch
):
    project, _ = built_sql_project
    default = pd.read_parquet(project.root / INTERIM_DIR / "stg_customers.parquet")
    monkeypatch.setenv("PSEUDONYMISATION_SALT", SALT)

    sql.build_into(scratch, ("staging",), tmp_path / "salted")

    salted = pd.read_parquet(tmp_path / "salted/stg_customers.parquet")
    assert default["email_token"].str.fullmatch("[0-9a-f]{64}").all()
    assert list(salted["customer_id"]) == list(default["customer_id"])
    assert (salted["email_token"].to_numpy() != default["email_token"].to_numpy()).all()


def test_a_weak_salt_is_refused_in_one_line_naming_the_model(scratch, tmp_path, monkeypatch):
    monkeypatch.setenv("PSEUDONYMISATION_SALT", "short")

    with pytest.raises(ProjectError) as raised:
        sql.build_into(scratch, ("staging",), tmp_path / "out")

    [problem] = [p for p in raised.value.problems if "stg_customers" in p]
    assert "at least 16 characters" in problem
    assert "\n" not in problem
    assert not (tmp_path / "out").exists()


def test_a_missing_source_file_says_how_to_get_it(scratch):
    (scratch.root / SOURCES["activity"]).unlink()

    with pytest.raises(ProjectError, match="source 'activity' reads data/raw/activity.parquet, "):
        sql.build(scratch, ("staging",))


def test_a_source_that_is_not_a_table_is_refused(scratch):
    project = scratch.with_params(
        sql=scratch.params.sql.model_copy(update={"sources": {"customers": "params.yaml"}})
    )

    with pytest.raises(ProjectError, match="not a CSV, TSV or Parquet file"):
        sql.build(project, ("staging",))


def test_a_broken_model_and_a_failing_assertion_each_name_their_file_and_nothing_is_written(
    scratch, tmp_path
):
    broken = "select (1 from {{ source('raw', 'customers') }}\n"
    (scratch.root / "sql/staging/stg_broken.sql").write_text(broken)
    (scratch.root / "sql/tests/assert_no_customers.sql").write_text(
        "select customer_id from {{ ref('stg_customers') }}\n"
    )

    with pytest.raises(ProjectError) as raised:
        sql.build_into(scratch, ("staging",), tmp_path / "out")

    problems = raised.value.problems
    assert any(line.startswith("sql/staging/stg_broken.sql: ") for line in problems), problems
    failed = "sql/tests/assert_no_customers.sql: the assertion failed ("
    assert any(line.startswith(failed) for line in problems), problems
    assert all("\n" not in line and "^" not in line for line in problems), problems
    assert not (tmp_path / "out").exists()


def test_an_unknown_source_names_the_model_and_the_source(scratch):
    model = scratch.root / "sql/staging/stg_unknown.sql"
    model.write_text("select * from {{ source('raw', 'nowhere') }}\n")

    with pytest.raises(ProjectError, match=r"stg_unknown.sql.*raw.nowhere.* not found"):
        sql.build(scratch, ("staging",))


def test_an_empty_table_is_an_error_naming_the_model_and_what_to_check(scratch, tmp_path):
    features = scratch.root / INTERIM_DIR / "feat_customer_month.parquet"
    rows = pd.read_parquet(features)
    rows[rows["snapshot_month"] < EVAL_FROM].to_parquet(features, index=False)

    with pytest.raises(ProjectError) as raised:
        sql.build_into(scratch, ("sets",), tmp_path / "sets", empty="check split.eval_from_month")

    assert raised.value.problems == [
        "sql/sets/set_eval.sql: the model built no rows: check split.eval_from_month"
    ]


def test_an_empty_table_without_a_stage_hint_names_the_settings_its_model_reads(scratch, tmp_path):
    features = scratch.root / INTERIM_DIR / "feat_customer_month.parquet"
    rows = pd.read_parquet(features)
    rows[rows["snapshot_month"] < EVAL_FROM].to_parquet(features, index=False)

    with pytest.raises(ProjectError) as raised:
        sql.build_into(scratch, ("sets",), tmp_path / "sets")

    assert raised.value.problems == [
        "sql/sets/set_eval.sql: the model built no rows: check params.yaml split.eval_from_month "
        "(the settings it reads) against the data it reads"
    ]


@pytest.mark.parametrize(
    ("text", "settings"),
    [
        ("where m >= {{ var('split').eval_from_month }}", "split.eval_from_month"),
        (
            '{{ var("features")["window_months"] }} {{ var( "seed" ) }}',
            "features.window_months, seed",
        ),
        ("{{ var('a').b }} and {{ var('a').b }} again", "a.b"),
        ("select 1 -- no setting", None),
        ("var(" * 20_000, None),  # linear on hostile text
    ],
)
def test_the_hint_for_an_empty_model_names_each_setting_it_reads_once(tmp_path, text, settings):
    model = tmp_path / "model.sql"
    model.write_text(text)

    hint = empty_hint(model)

    if settings is None:
        assert hint == "check its filters and the data it reads"
    else:
        assert hint.startswith(f"check params.yaml {settings} (the settings it reads)")


def test_a_folder_without_a_dbt_project_is_a_clear_error(scratch):
    (scratch.root / "sql/dbt_project.yml").unlink()

    with pytest.raises(ProjectError, match="sql/dbt_project.yml not found"):
        sql.models(scratch)
