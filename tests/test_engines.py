"""The template's own SQL on the other engines: a rendered default project's models, sets and
assertions, built in this process as its stages build them, on DuckDB, then on a real
PostgreSQL (on loopback) and on Spark in local mode — chosen by `sql.engine` alone, no change to
the SQL — give the same tables: same rows, same feature values, same pseudonymised tokens. One
source is read as CSV, the other as Parquet, so both readers of every engine are used.

Run once, not per answer set: the models do not depend on the answers (`-m engines`). No
project is installed: the rendered package runs on this environment, which holds the
library's postgres and spark extras.
"""

import re

import pandas as pd
import pytest

from devtools.rendered import load_rendered
from devtools.requirements import require
from devtools.servers import postgres
from ml_playbook.project.paths import INTERIM_DIR, PROCESSED_DIR

pytestmark = pytest.mark.engines

PACKAGE = "engines_model"
TINY = {"synthetic.customers": 150, "synthetic.months": 14, "split.eval_from_month": 9}
TABLES = {
    PROCESSED_DIR / "set_train.parquet": ["customer_id", "snapshot_month"],
    PROCESSED_DIR / "set_eval.parquet": ["customer_id", "snapshot_month"],
    INTERIM_DIR / "feat_customer_month.parquet": ["customer_id", "snapshot_month"],
    INTERIM_DIR / "stg_customers.parquet": ["customer_id"],
}
CSV_SOURCE = "data/raw/customers.csv"
# Spark's JVM here lives seconds, over 150 customers: its optimising compiler and parallel
# collector would spend more CPU than the queries (~10 of ~40 CPU-s), taken from the other worker.
SHORT_LIVED_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def tables(project) -> dict[str, pd.DataFrame]:
    """The tables the stages wrote, sorted by their keys."""
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


@pytest.fixture(scope="module")
def on_duckdb(render):
    """A rendered default project, its sources synthesized (customers as CSV), its SQL built on
    DuckDB by the stages `generate` and `split`; and the stages, to build it again."""
    root = render({"project_name": "Engines Model"}, name="engines")
    project, _, stages = load_rendered(root, PACKAGE, TINY)
    stages["synthesize"].run(project)
    parquet = root / project.params.sql.sources["customers"]
    pd.read_parquet(parquet).to_csv(root / CSV_SOURCE, index=False)
    sources = {**project.params.sql.sources, "customers": CSV_SOURCE}
    project = project.with_params(sql=project.params.sql.model_copy(update={"sources": sources}))
    for name in ("generate", "split"):
        stages[name].run(project)
    return project, stages, tables(project)


def built_on(engine: str, project, stages) -> dict[str, pd.DataFrame]:
    """The same stages with `sql.engine` set to `engine`, writing over the DuckDB-built tables."""
    sql = project.params.sql.model_copy(update={"engine": engine})
    on_engine = project.with_params(sql=sql)
    for name in ("generate", "split"):
        stages[name].run(on_engine)
    return tables(on_engine)


def test_postgres_builds_the_same_tables_as_duckdb(on_duckdb, monkeypatch):
    require("postgres")
    project, stages, expected = on_duckdb

    with postgres("warehouse") as uri:
        port = re.search(r":(\d+)/warehouse$", uri).group(1)
        for name, value in {"HOST": "127.0.0.1", "PORT": port, "DB": "warehouse"}.items():
            monkeypatch.setenv(f"POSTGRES_{name}", value)
        actual = built_on("postgres", project, stages)

    assert_same_tables(expected, actual)


def test_spark_builds_the_same_tables_as_duckdb(on_duckdb, monkeypatch):
    require("java")
    project, stages, expected = on_duckdb
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", SHORT_LIVED_JVM)

    actual = built_on("spark", project, stages)

    assert_same_tables(expected, actual)
