"""The models as dbt compiles them: listed in run order, translated by sqlglot into every
dialect a team may write in, shown with the pseudonymisation salt masked."""

import pytest
import sqlglot

from ml_playbook import sql
from ml_playbook.conventions import SQL_DIALECTS, SQL_MODEL_LAYERS
from ml_playbook.errors import ProjectError

SALT = "a-real-secret-salt-42"


@pytest.fixture(scope="module")
def compiled_sql(built_sql_project) -> dict[str, str]:
    project, _ = built_sql_project
    return sql.compiled(project)


def test_every_layer_has_models_each_in_its_folder(built_sql_project):
    project, _ = built_sql_project

    found = sql.models(project)

    assert {model.layer for model in found} == set(SQL_MODEL_LAYERS)
    assert all(model.path.parts[0] == model.layer for model in found)


def test_models_come_after_the_models_they_read(built_sql_project):
    project, _ = built_sql_project

    order = [model.name for model in sql.models(project)]

    assert order.index("stg_customers") < order.index("feat_customer_month")
    assert order.index("stg_activity") < order.index("feat_customer_month")
    assert order.index("feat_customer_month") < order.index("set_train")


def test_compiling_gives_every_model_and_assertion_with_its_refs_resolved(compiled_sql):
    assert {"stg_customers", "set_eval", "assert_sets_do_not_overlap_in_time"} <= set(compiled_sql)
    assert all("{{" not in code for code in compiled_sql.values())


@pytest.mark.parametrize("dialect", SQL_DIALECTS)
def test_every_model_and_assertion_translates_to_sql_that_parses_in_each_dialect(
    compiled_sql, dialect
):
    for name, code in compiled_sql.items():
        translated = sql.translate(code, dialect)

        assert sqlglot.parse_one(translated, read=dialect), name


def test_sql_that_does_not_parse_is_a_one_line_error():
    with pytest.raises(ProjectError, match="^not valid duckdb SQL: ") as raised:
        sql.translate("select (1 from\nsomewhere", "postgres")

    assert "\n" not in str(raised.value)


def test_shown_sql_masks_the_salt(monkeypatch):
    monkeypatch.setenv("PSEUDONYMISATION_SALT", SALT)

    shown = sql.masked(f"select sha256(concat('{SALT}', email)) from customers")

    assert SALT not in shown
    assert "<salt>" in shown


def test_compiling_prints_nothing_of_its_own_so_the_salt_stays_masked(
    built_sql_project, capfd, monkeypatch
):
    project, _ = built_sql_project
    monkeypatch.setenv("PSEUDONYMISATION_SALT", SALT)

    code = sql.compiled(project, ("stg_customers",))["stg_customers"]

    assert SALT in code
    printed = capfd.readouterr()
    assert SALT not in printed.out + printed.err
