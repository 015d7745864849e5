"""The same SQL models, sets and assertions on other engines: a rendered project builds its
sets on DuckDB, then on a real PostgreSQL and on Spark in local mode (set by `sql.engine`
alone, no code change), and the tables are equal — same rows, same feature values, same
pseudonymised tokens.

Run once, not per answer set: the models do not depend on the answers (`-m engines`).
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from devtools.servers import postgres, postgres_binary

pytestmark = pytest.mark.engines

SETS = ("set_train", "set_eval")
KEYS = ["customer_id", "snapshot_month"]


def run(command: list[str], cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"`{' '.join(command)}` failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def tables(project: Path) -> dict[str, pd.DataFrame]:
    """The sets and the pseudonymised customers the last run wrote, sorted by their keys."""
    found = {name: pd.read_parquet(project / f"data/processed/{name}.parquet") for name in SETS}
    found["stg_customers"] = pd.read_parquet(project / "data/interim/stg_customers.parquet")
    keys = {
        name: KEYS if "snapshot_month" in frame else ["customer_id"]
        for name, frame in found.items()
    }
    return {name: frame.sort_values(keys[name], ignore_index=True) for name, frame in found.items()}


def assert_same_tables(expected: dict, actual: dict) -> None:
    for name, frame in expected.items():
        other = actual[name]
        assert list(other.columns) == list(frame.columns), name
        numeric = frame.select_dtypes("number").columns
        pd.testing.assert_frame_equal(
            other.astype({column: "float64" for column in numeric}),
            frame.astype({column: "float64" for column in numeric}),
            check_dtype=False,
            rtol=1e-9,
            obj=name,
        )


def with_engine(project: Path, engine: str) -> Path:
    """A params file like the project's, with `sql.engine` set to `engine`."""
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["sql"]["engine"] = engine
    path = project / f"params-{engine}.yaml"
    path.write_text(yaml.safe_dump(params, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def duckdb_project(render) -> tuple[Path, dict[str, pd.DataFrame]]:
    """A default project with the engine extras, its pipeline run on DuckDB up to `split`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_ALLOW_PROTOCOL", "file")
        project = render()
        run(["git", "init", "--quiet"], project)
        run(["git", "add", "--all"], project)
        run(["git", "commit", "--quiet", "-m", "Start"], project)
        run(["uv", "sync", "--quiet", "--extra", "postgres", "--extra", "spark"], project)
    run(["uv", "run", "--no-sync", "dvc", "repro", "split"], project)
    return project, tables(project)


def built_on(project: Path, engine: str, env: dict, scratch: Path) -> dict[str, pd.DataFrame]:
    """The tables the stages `generate` and `split` write when params.yaml names `engine`;
    the project's DuckDB-built data is put back afterwards."""
    saved = scratch / "duckdb-data"
    shutil.copytree(project / "data", saved)
    params = with_engine(project, engine)
    package = yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]
    try:
        for stage in ("generate", "split"):
            command = ["uv", "run", "--no-sync", package, "data", stage, "--params", str(params)]
            run(command, project, env)
        return tables(project)
    finally:
        shutil.rmtree(project / "data")
        shutil.copytree(saved, project / "data")


@pytest.mark.skipif(not postgres_binary("initdb"), reason="PostgreSQL server not installed")
def test_postgres_builds_the_same_tables_as_duckdb(duckdb_project, tmp_path):
    project, on_duckdb = duckdb_project

    with postgres("warehouse") as uri:
        port = re.search(r":(\d+)/warehouse$", uri).group(1)
        env = {**os.environ, "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": port}
        on_postgres = built_on(project, "postgres", {**env, "POSTGRES_DB": "warehouse"}, tmp_path)

    assert_same_tables(on_duckdb, on_postgres)


@pytest.mark.skipif(not shutil.which("java"), reason="Java (17+) not installed")
def test_spark_builds_the_same_tables_as_duckdb(duckdb_project, tmp_path):
    project, on_duckdb = duckdb_project

    on_spark = built_on(project, "spark", dict(os.environ), tmp_path)

    assert_same_tables(on_duckdb, on_spark)
