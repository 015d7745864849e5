"""`sql list | show | test` on a project: the models in run order, one model compiled or
translated (the salt masked), the assertions with their outcome; every mistake one `error:`
line and exit 1."""

import pytest
import typer
from typer.testing import CliRunner

from ml_playbook.cli import sql as sql_cli
from ml_playbook.cli.common import Apps
from tests.library.sql.sql_factory import SPEC

SALT = "a-real-secret-salt-42"


@pytest.fixture
def invoke(built_sql_project, monkeypatch):
    """Run `<package> sql …` in the built project."""
    project, _ = built_sql_project
    app = typer.Typer()
    sql_cli.register(Apps(app, typer.Typer()), SPEC)
    monkeypatch.chdir(project.root)
    return lambda *args: CliRunner().invoke(app, ["sql", *args])


def test_sources_prints_each_source_file_one_a_line(invoke, built_sql_project):
    project, _ = built_sql_project

    result = invoke("sources")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [str(p) for p in project.params.sql.sources.values()]


def test_sources_with_a_broken_params_file_is_one_error_line(invoke, tmp_path):
    broken = tmp_path / "params.yaml"
    broken.write_text("sql: [unclosed\n")

    result = invoke("sources", "--params", str(broken))

    assert result.exit_code == 1
    assert result.output.startswith("error: ") and len(result.output.splitlines()) == 1
    assert "Traceback" not in result.output


def test_list_shows_each_model_in_run_order_with_its_layer_and_file(invoke):
    result = invoke("list")

    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.output.splitlines()]
    assert ["staging", "stg_customers", "sql/staging/stg_customers.sql"] in rows
    names = [row[1] for row in rows]
    assert names.index("feat_customer_month") < names.index("set_eval")


def test_show_prints_the_compiled_model_with_the_salt_masked(invoke, monkeypatch):
    monkeypatch.setenv("PSEUDONYMISATION_SALT", SALT)

    result = invoke("show", "stg_customers")

    assert result.exit_code == 0, result.output
    assert '"raw"."customers"' in result.output
    assert "<salt>" in result.output
    assert SALT not in result.output


def test_show_translates_for_another_dialect(invoke):
    result = invoke("show", "stg_customers", "--dialect", "bigquery")

    assert result.exit_code == 0, result.output
    assert "`raw`.`customers`" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "stg_nothing"), "error: no model 'stg_nothing': `tiny sql list` shows them"),
        (
            ("show", "stg_customers", "--dialect", "oracle"),
            "error: unknown dialect 'oracle': use one of duckdb, bigquery, snowflake, postgres, spark",
        ),
    ],
)
def test_show_refuses_what_it_cannot_show_in_one_line(invoke, args, message):
    result = invoke(*args)

    assert result.exit_code == 1
    assert result.output.strip() == message


def test_test_prints_each_assertion_passed_and_writes_no_data(invoke, built_sql_project):
    project, _ = built_sql_project
    before = {p: p.stat().st_mtime_ns for p in (project.root / "data").rglob("*.parquet")}

    result = invoke("test")

    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert ["assert_one_row_per_customer_month.sql", "passed"] in lines
    assert ["assert_sets_do_not_overlap_in_time.sql", "passed"] in lines
    assert {p: p.stat().st_mtime_ns for p in (project.root / "data").rglob("*.parquet")} == before


def test_test_fails_naming_the_assertion_that_returned_rows(invoke, scratch):
    (scratch.root / "sql/tests/assert_no_customers.sql").write_text(
        "select customer_id from {{ ref('stg_customers') }}\n"
    )

    result = invoke("test")

    assert result.exit_code == 1
    assert "assert_no_customers.sql                       FAILED (30 rows)" in result.output
    assert "error: sql/tests/assert_no_customers.sql: the assertion failed (30 rows returned)" in (
        result.output
    )
