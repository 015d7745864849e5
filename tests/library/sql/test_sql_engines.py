"""The same SQL models, sets and assertions on the other engines: the project of tiny_sql/
built as the stages build it on a real PostgreSQL (on loopback) and on Spark in local mode —
chosen by `sql.engine` alone, no change to the SQL — gives the tables DuckDB gives: same rows,
same feature values, same pseudonymised tokens.

Slow (a server, a JVM): `-m engines` runs them alone, `-m "not engines"` leaves them out.
"""

import re
import shutil

import pandas as pd
import pytest

from devtools.servers import postgres, postgres_binary
from ml_playbook.project.paths import INTERIM_DIR, PROCESSED_DIR
from tests.library.sql.sql_factory import SOURCES, build_as_the_stages_do, write_sql_project

pytestmark = pytest.mark.engines

TABLES = {
    PROCESSED_DIR / "set_train.parquet": ["customer_id", "snapshot_month"],
    PROCESSED_DIR / "set_eval.parquet": ["customer_id", "snapshot_month"],
    INTERIM_DIR / "stg_customers.parquet": ["customer_id"],
}


def tables(project) -> dict:
    """The sets and the pseudonymised customers the stages wrote, sorted by their keys."""
    return {
        path.stem: pd.read_parquet(project.root / path).sort_values(keys, ignore_index=True)
        for path, keys in TABLES.items()
    }


def assert_same_tables(expected: dict, actual: dict) -> None:
    for name, frame in expected.items():
        other = actual[name]
        assert list(other.columns) == list(frame.columns), name
        assert len(other) == len(frame) > 0, name
        numeric = {column: "float64" for column in frame.select_dtypes("number").columns}
        pd.testing.assert_frame_equal(
            other.astype(numeric), frame.astype(numeric), check_dtype=False, rtol=1e-9, obj=name
        )


def built_on(engine: str, root) -> dict:
    sql = {"engine": engine, "sources": SOURCES, "vars": ["features", "split"]}
    project = write_sql_project(root, sql=sql)
    runs = build_as_the_stages_do(project)
    assert all(result == 0 for run in runs.values() for result in run.tests.values()), runs
    return tables(project)


@pytest.mark.skipif(not postgres_binary("initdb"), reason="PostgreSQL server not installed")
def test_postgres_builds_the_same_tables_as_duckdb(built_sql_project, tmp_path, monkeypatch):
    on_duckdb = tables(built_sql_project[0])

    with postgres("warehouse") as uri:
        port = re.search(r":(\d+)/warehouse$", uri).group(1)
        for name, value in {"HOST": "127.0.0.1", "PORT": port, "DB": "warehouse"}.items():
            monkeypatch.setenv(f"POSTGRES_{name}", value)
        on_postgres = built_on("postgres", tmp_path / "project")

    assert_same_tables(on_duckdb, on_postgres)


@pytest.mark.skipif(not shutil.which("java"), reason="Java (17+) not installed")
def test_spark_builds_the_same_tables_as_duckdb(built_sql_project, tmp_path):
    on_duckdb = tables(built_sql_project[0])

    on_spark = built_on("spark", tmp_path / "project")

    assert_same_tables(on_duckdb, on_spark)
