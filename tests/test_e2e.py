"""End to end: render projects, then run the commands their README promises, on the installed Python."""

import json
import subprocess
from pathlib import Path

import pytest

from devtools.rendered import readme_commands
from devtools.template_clone import TEMPLATE_ROOT

pytestmark = pytest.mark.e2e

ANSWER_SETS = {
    "defaults": {},
    "non-default": {
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
    },
}


def run_commands(commands: list[str], cwd: Path) -> None:
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, f"`{command}` failed in {cwd}:\n{done.stdout}\n{done.stderr}"


def output_of(command: list[str], cwd: Path) -> str:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module", params=list(ANSWER_SETS))
def project_after_readme(request, render) -> Path:
    """A rendered project in which the README's commands (pipeline, tests) have been run."""
    project = render(ANSWER_SETS[request.param], name=request.param)
    commands = readme_commands(project / "README.md")
    assert commands == ["make pipeline", "make test"]
    run_commands(commands, cwd=project)
    return project


def test_the_readme_commands_leave_a_locked_committed_project(project_after_readme):
    project = project_after_readme

    assert (project / "uv.lock").is_file()
    assert (project / "dvc.lock").is_file()
    assert (project / ".git/hooks/pre-commit").is_file()
    assert output_of(["git", "log", "--oneline"], project).strip()


def test_the_pipeline_leaves_a_champion_in_the_registry(project_after_readme):
    project = project_after_readme
    package = next((project / "src").iterdir()).name

    registry = json.loads(output_of(["uv", "run", package, "registry", "show", "--json"], project))

    assert "champion" in registry["versions"][0]["aliases"]


def test_a_parameter_experiment_runs_with_dvc(project_after_readme):
    project = project_after_readme

    run_commands(["uv run dvc exp run -S train.hyperparameters.learning_rate=0.05"], cwd=project)

    assert "0.05" in output_of(["uv", "run", "dvc", "exp", "show", "--json"], project)


def test_the_template_readme_generate_command_works_as_written(template_repo):
    generate, _ = readme_commands(TEMPLATE_ROOT / "README.md")

    run_commands([generate], cwd=template_repo)

    assert (template_repo.parent / "my-model/.copier-answers.yml").is_file()
