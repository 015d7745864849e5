"""The generated project's CI, checked without running it: schema-valid, and every command exists.

check-jsonschema validates the files against its vendored GitHub workflow and GitLab CI schemas
(offline); devtools.ci_commands reads every shell line they run.
"""

import subprocess

import pytest
import yaml

from devtools.ci_commands import (
    ci_files,
    commands,
    missing_commands,
    schema_errors,
    shell_scripts,
)
from devtools.template_clone import TEMPLATE_ROOT

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
        "uv sync --locked",
        "template_update.py",
    ],
)
def test_the_ci_runs_each_practice(ci_project, command):
    provider, project = ci_project

    assert any(command in line for line in all_commands(project, provider))


def test_the_update_proposal_runs_on_a_schedule_and_never_force_pushes(ci_project):
    provider, project = ci_project

    script = (project / f".{provider}/template_update.py").read_text()
    # Only a branch whose proposal landed on main is replaced, and only with a lease on the
    # commit read (test_update_proposal_script.py): never a plain --force.
    assert "push" in script
    assert script.count("--force") == script.count("--force-with-lease=refs/heads/") == 1
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


# What a real host adds (issue 27): tokens, settings, opt-in, the lock, the gate.


def github_workflow(project, name: str) -> dict:
    return yaml.safe_load((project / f".github/workflows/{name}.yml").read_text())


def run_step(
    script: str, cwd, tmp_path, fakes: dict[str, str], **env
) -> subprocess.CompletedProcess:
    """A step's shell script with stand-in commands (`name: shell body`) first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, body in fakes.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    path = f"{bin_dir}:/usr/bin:/bin"
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env={"PATH": path, **env},
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def github_project(render):
    return render({"ci_provider": "github", "package_name": "churn_model"}, name="github")


@pytest.fixture(scope="module")
def gitlab_project(render):
    return render({"ci_provider": "gitlab", "package_name": "churn_model"}, name="gitlab")


def test_the_proposal_pushes_and_opens_its_pull_request_with_the_update_token(github_project):
    workflow = github_workflow(github_project, "template-update")
    steps = workflow["jobs"]["propose"]["steps"]
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout"))
    propose = steps[-1]

    assert checkout["with"]["token"] == "${{ secrets.TEMPLATE_UPDATE_TOKEN }}"
    assert propose["env"]["GH_TOKEN"] == "${{ secrets.TEMPLATE_UPDATE_TOKEN }}"
    assert (
        "github.token" not in (github_project / ".github/workflows/template-update.yml").read_text()
    )
    assert workflow["permissions"] == {"contents": "read"}


def test_without_the_update_token_the_job_fails_first_with_one_line(github_project, tmp_path):
    first = github_workflow(github_project, "template-update")["jobs"]["propose"]["steps"][0]

    done = run_step(first["run"], tmp_path, tmp_path, {}, TEMPLATE_UPDATE_TOKEN="")

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "::error::set the repository secret TEMPLATE_UPDATE_TOKEN (fine-grained token: "
        "Contents, Pull requests and Workflows read and write; docs/updating.md)"
    ]
    assert run_step(first["run"], tmp_path, tmp_path, {}, TEMPLATE_UPDATE_TOKEN="t").returncode == 0


def test_the_docs_name_the_token_permissions_and_the_pull_request_setting():
    docs = (TEMPLATE_ROOT / "docs/updating.md").read_text()

    assert "Allow GitHub Actions to create and approve pull requests" in docs
    assert "Contents, Pull requests and Workflows" in docs
    assert "write_repository" in docs


def test_scheduled_runs_target_the_branch_they_run_on(github_project):
    workflow = github_workflow(github_project, "template-update")

    # `default_branch` is empty on `schedule`: the fallback is the branch the schedule runs on.
    assert workflow["env"]["BASE"] == (
        "${{ github.event.repository.default_branch || github.ref_name }}"
    )


def test_the_monitor_is_opt_in_and_says_what_is_not_configured(github_project, tmp_path):
    job = github_workflow(github_project, "monitor")["jobs"]["monitor"]
    fetch = next(step for step in job["steps"] if "dvc pull" in step.get("run", ""))

    assert "vars.MONITOR_ENABLED == 'true'" in job["if"]
    data_checks = github_workflow(github_project, "monitor")["jobs"]["data-checks"]
    assert "vars.MONITOR_ENABLED == 'true'" in data_checks["if"]
    done = run_step(fetch["run"], tmp_path, tmp_path, {"uv": 'echo "uv $*" >> calls'})
    assert done.returncode == 0
    assert done.stdout.startswith("::notice::no DVC remote configured")
    assert (tmp_path / "calls").read_text() == "uv run dvc remote list\n"  # no pull attempted


def test_every_job_installs_exactly_the_lock_first(ci_project):
    provider, project = ci_project

    for path in ci_files(project, provider):
        scripts: dict[str, list[str]] = {}
        for job, script in shell_scripts(path, provider):
            scripts.setdefault(job, []).append(script)
        for job, parts in scripts.items():
            text = "\n".join(parts)
            installs = [
                text.find(f"make {target}") for target in ("setup", "pipeline", "docs", "monitor")
            ]
            installs = [at for at in installs if at >= 0]
            if installs or "uv run" in text:
                assert "uv sync --locked" in text, f"{path.name} {job}"
                assert text.index("uv sync --locked") < min(installs or [len(text)]), job


@pytest.mark.parametrize("champion", ["null", '"3"'])
def test_the_quality_gate_fails_in_one_line_without_a_champion(ci_project, tmp_path, champion):
    provider, project = ci_project
    script = next(
        script
        for path in ci_files(project, provider)
        for job, script in shell_scripts(path, provider)
        if job == "pipeline" and "release status" in script
    )
    if provider == "gitlab":  # the job's lines from `make registry` on
        job = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["pipeline"]
        script = "\n".join(job["script"][2:])
    (tmp_path / "reports").mkdir()
    fakes = {"make": "true", "uv": f"echo '{{\"champion\": {champion}}}'"}

    done = run_step(script, tmp_path, tmp_path, fakes)

    if champion == "null":
        assert done.returncode == 1
        assert done.stdout.splitlines()[-1].endswith(
            "no champion: the model failed a quality gate (reports/metrics.json, gates)"
        )
    else:
        assert done.returncode == 0, done.stdout + done.stderr


def test_gitlab_runs_one_pipeline_per_change(gitlab_project):
    rules = yaml.safe_load((gitlab_project / ".gitlab-ci.yml").read_text())["workflow"]["rules"]

    assert rules[0] == {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}
    assert rules[1]["when"] == "never" and "$CI_OPEN_MERGE_REQUESTS" in rules[1]["if"]
