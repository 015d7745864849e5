"""End to end on answers unlike the defaults (a regression task, another dialect and CI service,
a licence, roles, quotes and a backslash in a text answer): the project sets itself up from the
lock it was generated with, and passes its lint and its own tests — which run its pipeline on
a tiny sample, in-process — and its docs build strictly.

The full pipeline through DVC runs once, on the defaults, in test_e2e.py."""

from pathlib import Path

import pytest

from devtools.rendered import output_of, run_commands

pytestmark = pytest.mark.e2e

ANSWERS = {
    "project_name": "Churn Forecast",
    "description": 'Weekly "demand" forecast for C:\\stores',
    "author_name": "Data Platform",
    "author_email": "data-platform@acme.example",
    "organisation": "Acme Retail",
    "ml_task": "regression",
    "sql_dialect": "snowflake",
    "ci_provider": "gitlab",
    "license": "Apache-2.0",
    "role_ml_product_manager": "@pm-kim",
    "role_ml_engineer": "@lee, @acme/ml-platform",
    "role_data_engineer": "park@acme.example",
}


@pytest.fixture(scope="module")
def project(render) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_ALLOW_PROTOCOL", "file")  # the clone of the template, nothing remote
        root = render(ANSWERS, name="churn-forecast")
        run_commands(["make setup", "make test"], cwd=root)
    return root


def test_setup_installs_from_the_lock_it_came_with_and_commits(project):
    # The lock this release was tested with was current: installing did not resolve again.
    assert output_of(["git", "ls-files", "uv.lock"], project).strip() == "uv.lock"
    assert output_of(["git", "status", "--porcelain", "--", "uv.lock"], project) == ""
    assert (project / ".git/hooks/pre-commit").is_file()
    assert output_of(["git", "log", "--oneline"], project).strip()


def test_the_docs_build_strictly(project):
    run_commands(["make docs"], cwd=project)

    assert (project / "site/process/index.html").is_file()
