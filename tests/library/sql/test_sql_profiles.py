"""The engines: one session per engine in one table, each connection described by
sql/profiles.yml with its secrets from the environment, and every way an engine cannot start —
no target, no driver, no server, no Java — a one-line error saying what to do."""

import socket
import sys
import typing

import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.project.params import SqlEngine
from ml_playbook.sql import engines
from ml_playbook.sql.inputs import profile_target
from ml_playbook.sql.postgres import PostgresSession
from ml_playbook.sql.spark import SparkSession


def test_every_engine_params_yaml_accepts_has_a_session():
    assert set(engines.ENGINES) == set(typing.get_args(SqlEngine))
    for engine in engines.ENGINES:
        session = engines.session_class(engine)
        assert all(callable(getattr(session, name)) for name in ("load", "export", "close"))


def test_an_engine_without_a_session_is_named():
    with pytest.raises(ProjectError, match="sql.engine 'oracle' is not one of duckdb, postgres"):
        engines.session_class("oracle")


def test_an_engine_connection_comes_from_the_environment(built_sql_project, monkeypatch):
    project, _ = built_sql_project
    given = "from-the-environment"
    monkeypatch.setenv("POSTGRES_HOST", "warehouse.example.com")
    monkeypatch.setenv("POSTGRES_PASSWORD", given)

    settings = profile_target(project.root, "postgres")

    assert settings["host"] == "warehouse.example.com"
    assert settings["password"] == given
    assert given not in (project.root / "sql/profiles.yml").read_text()


def test_an_engine_without_a_target_in_the_profile_is_a_clear_error(built_sql_project):
    project, _ = built_sql_project

    with pytest.raises(ProjectError, match="sql/profiles.yml has no target 'bigquery'"):
        profile_target(project.root, "bigquery")


def test_a_variable_the_profile_needs_and_the_environment_lacks_is_named(scratch, monkeypatch):
    profiles = scratch.root / "sql/profiles.yml"
    profiles.write_text(profiles.read_text().replace("'POSTGRES_DB', 'warehouse'", "'WH_DB'"))
    monkeypatch.delenv("WH_DB", raising=False)

    with pytest.raises(ProjectError, match="target postgres needs the variable WH_DB"):
        profile_target(scratch.root, "postgres")


@pytest.mark.parametrize("text", ["", "- a list\n", "tiny: {target: duckdb}\n", "a: [b\n"])
def test_a_profile_that_is_not_a_dbt_profile_says_so(scratch, text):
    (scratch.root / "sql/profiles.yml").write_text(text)

    with pytest.raises(ProjectError, match="sql/profiles.yml is missing or not a dbt profile"):
        profile_target(scratch.root, "duckdb")


def test_a_postgres_server_that_does_not_answer_is_one_line_naming_the_variables(
    built_sql_project, monkeypatch
):
    project, _ = built_sql_project
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("POSTGRES_HOST", "127.0.0.1")
    monkeypatch.setenv("POSTGRES_PORT", str(port))

    with pytest.raises(ProjectError) as raised:
        PostgresSession(project, ("staging",)).connect()

    [problem] = raised.value.problems
    assert problem.startswith(f"cannot connect to PostgreSQL at 127.0.0.1:{port}/warehouse (")
    assert problem.endswith(
        "set POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB"
    )
    assert "\n" not in problem


@pytest.mark.parametrize(
    ("driver", "session", "extra"),
    [("psycopg", PostgresSession, "postgres"), ("pyspark.sql", SparkSession, "spark")],
)
def test_an_engine_whose_driver_is_not_installed_names_the_extra(
    built_sql_project, monkeypatch, driver, session, extra
):
    project, _ = built_sql_project
    monkeypatch.setitem(sys.modules, driver, None)  # `import` now fails as if not installed
    started = session(project, ("staging",))

    with pytest.raises(ProjectError, match=rf"needs the extra: `uv sync --extra {extra}`"):
        started.connect() if session is PostgresSession else started.load()


class NoJava:
    """A Spark builder whose gateway cannot start, as pyspark's when Java is missing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: self

    def getOrCreate(self):
        raise RuntimeError(
            "[JAVA_GATEWAY_EXITED]\nJava gateway process exited before sending its port"
        )


def test_spark_without_java_is_one_line_saying_what_it_needs(built_sql_project):
    project, _ = built_sql_project
    spark_class = type("Spark", (), {"builder": NoJava()})

    with pytest.raises(ProjectError) as raised:
        SparkSession(project, ("staging",)).start(spark_class)

    [problem] = raised.value.problems
    assert problem.startswith("Spark did not start ([JAVA_GATEWAY_EXITED] Java gateway process")
    assert problem.endswith("it needs Java 17 or later")


@pytest.mark.parametrize(
    ("duckdb_type", "postgres_type"),
    [
        ("BIGINT", "bigint"),
        ("DECIMAL(18,3)", "numeric"),
        ("TIMESTAMP WITH TIME ZONE", "timestamptz"),
        ("TIMESTAMP_NS", "timestamp"),
        ("VARCHAR", "text"),
        ("STRUCT(a INTEGER)", "text"),
    ],
)
def test_a_source_column_keeps_its_type_in_postgres(duckdb_type, postgres_type):
    assert PostgresSession.column_type(duckdb_type) == postgres_type
