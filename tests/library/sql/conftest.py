"""Fixtures of the SQL tests: the project of sql_factory.py built once a session on DuckDB, and
the same folder for a test that changes it (put back afterwards)."""

from pathlib import Path

import pytest

from tests.library.sql.sql_factory import SPEC, build_as_the_stages_do, write_sql_project


@pytest.fixture(autouse=True)
def no_real_salt(monkeypatch):
    """The tests never use a pseudonymisation salt from the environment."""
    monkeypatch.delenv("PSEUDONYMISATION_SALT", raising=False)


@pytest.fixture(scope="session")
def built_sql_project(tmp_path_factory):
    """A project built once a session as the stages build it, and the runs of its two builds
    (read only; `scratch` is the same project for a test that changes it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PSEUDONYMISATION_SALT", raising=False)
        project = write_sql_project(tmp_path_factory.mktemp("sql") / "project")
        return project, build_as_the_stages_do(project)


def project_files(root: Path) -> list[Path]:
    """What a test may change: sql/ (but dbt's target/), data/ and params.yaml."""
    found = [root / "params.yaml"]
    for folder in ("sql", "data"):
        for path in (root / folder).rglob("*"):
            if path.is_file() and "target" not in path.relative_to(root).parts:
                found.append(path)
    return found


@pytest.fixture
def scratch(built_sql_project):
    """The built project, for a test to change: its sql/, data/ and params.yaml are put back
    as they were afterwards. The same folder as `built_sql_project`, so dbt parses it in full
    only once a session (a full parse of dbt's own macros costs seconds; a partial one, a
    fraction)."""
    root = built_sql_project[0].root
    kept = {path: path.read_bytes() for path in project_files(root)}
    yield SPEC.load(root)
    for path in project_files(root):
        if path not in kept:
            path.unlink()
    for path, content in kept.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
