"""The generated project's CI, checked without running it: schema-valid, and every command exists.

check-jsonschema validates the files against its vendored GitHub workflow and GitLab CI schemas
(offline); devtools.ci_commands reads every shell line they run.
"""

import pytest
import yaml

from devtools.ci_commands import (
    ci_files,
    commands,
    missing_commands,
    schema_errors,
    shell_scripts,
)

pytestmark = pytest.mark.render

PROVIDERS = ["github", "gitlab"]


@pytest.fixture(scope="module", params=PROVIDERS)
def ci_project(request, render):
    provider = request.param
    project = render({"ci_provider": provider, "package_name": "churn_model"}, name=provider)
    return provider, project


def all_commands(project, provider) -> list[str]:
    return [
        " ".join(words)
        for path in ci_files(project, provider)
        for _, script in shell_scripts(path, provider)
        for words in commands(script)
    ]


def test_the_ci_files_are_valid_for_their_service(ci_project):
    provider, project = ci_project

    assert ci_files(project, provider)
    assert schema_errors(project, provider) == ""


def test_every_command_the_ci_runs_exists_in_the_project(ci_project):
    provider, project = ci_project

    assert missing_commands(project, provider, "churn_model") == []


@pytest.mark.parametrize(
    "command",
    [
        "uv run pre-commit run --all-files --show-diff-on-failure",
        "make test",
        "make pipeline",
        "make registry",
        "make docs",
        "copier check-update --quiet",
        "copier update --defaults",
    ],
)
def test_the_ci_runs_each_practice(ci_project, command):
    provider, project = ci_project

    assert any(command in line for line in all_commands(project, provider))


def test_the_update_proposal_runs_on_a_schedule_and_pushes_only_its_branch(ci_project):
    provider, project = ci_project

    lines = all_commands(project, provider)
    pushes = [line for line in lines if line.startswith("git push")]
    assert pushes and all("$BRANCH" in line for line in pushes)
    if provider == "github":
        workflow = yaml.safe_load((project / ".github/workflows/template-update.yml").read_text())
        triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
        assert "schedule" in triggers and workflow["env"]["BRANCH"] not in ("main", "master")
    else:
        job = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["template-update"]
        assert "schedule" in job["rules"][0]["if"]
        assert job["variables"]["BRANCH"] not in ("main", "master")


def test_the_ci_caches_uv_downloads(ci_project):
    provider, project = ci_project

    text = "".join(path.read_text() for path in ci_files(project, provider))

    assert ("enable-cache: true" in text) if provider == "github" else ("UV_CACHE_DIR" in text)


def test_no_ci_files_without_a_ci_provider(render):
    project = render({"ci_provider": "none"}, name="no-ci")

    assert not (project / ".github").exists()
    assert not (project / ".gitlab-ci.yml").exists()


def test_commands_the_project_lacks_are_reported(ci_project, tmp_path):
    provider, project = ci_project
    workflow = tmp_path / ".github/workflows/extra.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: make deploy && uv run churn_model registry promote --yes\n"
        "      - run: uv run --with foo terraform apply\n"
    )
    (tmp_path / "Makefile").write_text((project / "Makefile").read_text())
    (tmp_path / "pyproject.toml").write_text((project / "pyproject.toml").read_text())
    (tmp_path / "src").symlink_to(project / "src")

    missing = missing_commands(tmp_path, "github", "churn_model")

    assert [line.split(": ", 1)[1] for line in missing] == [
        "make deploy: no such target in the Makefile",
        "churn_model registry promote --yes: no such command",
        "uv run terraform: not a dependency",
    ]
