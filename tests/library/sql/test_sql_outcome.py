"""What a dbt run said, read by file: models built, the rows each assertion returned, and one
line per problem — the engine's error without dbt's header, caret and compiled-code path."""

from types import SimpleNamespace

from ml_playbook.sql.dbt import outcome
from ml_playbook.sql.messages import engine_message


def node_result(path: str, kind: str, status: str, failures: int = 0, message: str = ""):
    name = path.rsplit("/", 1)[-1].removesuffix(".sql")
    node = SimpleNamespace(name=name, original_file_path=path, resource_type=kind)
    return SimpleNamespace(node=node, status=status, failures=failures, message=message)


def run_of(*results):
    return outcome(SimpleNamespace(result=list(results)))


def test_built_models_and_passed_tests_are_listed_by_file():
    run = run_of(
        node_result("staging/stg_a.sql", "model", "success"),
        node_result("tests/assert_a.sql", "test", "pass"),
    )

    assert [(m.name, m.layer, m.path.as_posix()) for m in run.models] == [
        ("stg_a", "staging", "staging/stg_a.sql")
    ]
    assert run.tests == {"assert_a.sql": 0}
    assert run.problems == []


def test_a_failed_assertion_reports_its_rows_and_a_warning_passes_with_them():
    run = run_of(
        node_result("tests/assert_a.sql", "test", "fail", failures=3),
        node_result("tests/assert_b.sql", "test", "warn", failures=2),
    )

    assert run.tests == {"assert_a.sql": 3, "assert_b.sql": 2}
    assert run.problems == ["sql/tests/assert_a.sql: the assertion failed (3 rows returned)"]


def test_an_error_is_one_line_naming_the_file_and_a_test_that_could_not_run_is_marked():
    message = (
        "Runtime Error in model stg_a (staging/stg_a.sql)\n"
        '  Parser Error: syntax error at or near "from"\n'
        "  LINE 1: select (1 from x\n"
        "                    ^\n"
        "  compiled code at sql/target/run/tiny/staging/stg_a.sql\n"
    )
    run = run_of(
        node_result("staging/stg_a.sql", "model", "error", message=message),
        node_result("tests/assert_a.sql", "test", "error", message="Database Error\n  gone"),
    )

    assert run.problems == [
        'sql/staging/stg_a.sql: Parser Error: syntax error at or near "from" '
        "LINE 1: select (1 from x",
        "sql/tests/assert_a.sql: Database Error gone",
    ]
    assert run.tests == {"assert_a.sql": -1}
    assert run.models == []


def test_an_engine_message_keeps_a_first_line_that_names_no_model():
    assert (
        engine_message("Database Error\n  relation missing\n") == "Database Error relation missing"
    )
