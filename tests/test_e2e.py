"""End to end: render projects, then run the commands their README promises, on the installed Python."""

import json
import subprocess
from pathlib import Path

import pytest

from devtools.rendered import readme_commands
from devtools.template_clone import TEMPLATE_ROOT

pytestmark = pytest.mark.e2e

NON_DEFAULT_ANSWERS = {
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


def run_commands(commands: list[str], cwd: Path) -> None:
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, f"`{command}` failed in {cwd}:\n{done.stdout}\n{done.stderr}"


@pytest.mark.parametrize("answers", [{}, NON_DEFAULT_ANSWERS], ids=["defaults", "non-default"])
def test_a_generated_project_runs_its_pipeline_and_tests_green(render, answers):
    project = render(answers)
    commands = readme_commands(project / "README.md")

    run_commands(commands, cwd=project)

    assert commands == ["make pipeline", "make test"]
    assert (project / "uv.lock").is_file()
    assert (project / ".git/hooks/pre-commit").is_file()
    assert (project / "dvc.lock").is_file()
    package = (project / "src").iterdir().__next__().name
    registry = json.loads(
        subprocess.run(
            ["uv", "run", package, "registry", "show", "--json"],
            cwd=project,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert "champion" in registry["versions"][0]["aliases"]


def test_the_template_readme_generate_command_works_as_written(template_repo):
    generate, _ = readme_commands(TEMPLATE_ROOT / "README.md")

    run_commands([generate], cwd=template_repo)

    assert (template_repo.parent / "my-model/.copier-answers.yml").is_file()
