"""End to end on answers unlike the defaults, the way most projects meet a release: made from
v0.1.0 with another task, dialect, CI service, licence, roles, and quotes and a backslash in a
text answer; changed by the team where the release moves code (a machinery file); updated with
`copier update --trust` to this release — the heaviest update there is. Then, as its README
says: `make setup`, `make test` (lint, and its own tests, which run its pipeline on a tiny
sample in-process), and its docs build strictly.

The defaults run literally from the template README in test_e2e.py; a fresh project with
these answers is rendered and checked file by file in test_render.py and test_team_docs.py."""

from pathlib import Path

import pytest
import yaml

from devtools.previous_release import PREVIOUS_TAG, make_previous_then_current
from devtools.rendered import run_commands
from devtools.template_clone import release_tag
from devtools.update_scenarios import commit_all, start_project, update

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
PACKAGE = "churn_forecast"
CHANGED = f"src/{PACKAGE}/serving/app.py"  # machinery the release moves into the library
TEAM_CHANGE = (
    '\n\ndef retries() -> int:\n    """Our team\'s change: retry twice."""\n    return 2\n'
)


@pytest.fixture(scope="module")
def updated(install_folder, bytecode_for) -> Path:
    """The team's project, updated, set up and tested as its README says."""
    scratch = install_folder("update-e2e")
    repo = make_previous_then_current(scratch / "releases" / "ml-playbook")
    project = start_project(f"git+{repo.as_uri()}", PREVIOUS_TAG, scratch / "project", ANSWERS)
    app = project / CHANGED
    app.write_text(app.read_text() + TEAM_CHANGE)
    commit_all(project, "Our change to the service")

    update(project, release_tag(), trust=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_ALLOW_PROTOCOL", "file")  # the clone of the template, nothing remote
        for name, value in bytecode_for(project / ".venv").items():
            patch.setenv(name, value)
        run_commands(["make setup", "make test"], cwd=project)
    return project


def test_the_updated_project_installs_lints_and_passes_its_own_tests(updated):
    # (the fixture ran them) and the team's changed machinery is kept for them to move over
    assert (updated / "ml-playbook-kept" / CHANGED).read_text().endswith(TEAM_CHANGE)
    assert not (updated / CHANGED).exists()
    assert (updated / ".git/hooks/pre-commit").is_file()


def test_the_answers_are_kept_across_the_update(updated):
    answers = yaml.safe_load((updated / ".copier-answers.yml").read_text())

    assert answers["_commit"] == release_tag()
    assert {name: answers[name] for name in ANSWERS} == ANSWERS
    assert (updated / ".gitlab-ci.yml").is_file() and not (updated / ".github").exists()
    assert "Apache License" in (updated / "LICENSE").read_text()


def test_the_docs_build_strictly(updated):
    run_commands(["make docs"], cwd=updated)

    assert (updated / "site/process/index.html").is_file()
