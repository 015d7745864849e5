"""The generated CI's scheduled update proposal, run here: its shell steps against a local remote.

The job's own scripts run in a generated project whose `origin` is a local bare repository;
`uvx` runs this environment's copier and `gh` records what it is asked. The proposal must push
only its branch, with the update committed, and open a pull/merge request; the main branch of
the remote must not move. Nothing reaches the network.
"""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from devtools.release_history import change_practices
from devtools.template_clone import commit_and_tag, make_tagged_clone
from devtools.update_scenarios import git, start_project

pytestmark = pytest.mark.render

BRANCH = "template-update"


@pytest.fixture
def releases(tmp_path):
    """A template with two releases: v1.0.0 and v1.1.0 (new practices, no migration)."""
    repo = make_tagged_clone(tmp_path / "ml-playbook", tag="v1.0.0")
    change_practices(repo)
    commit_and_tag(repo, "v1.1.0", "New practices")
    return repo


def tool(bin_dir: Path, name: str, script: str) -> None:
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def shell_env(tmp_path):
    """PATH with `uvx` (this environment's copier) and a recording `gh`; CI's variables."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    copier = Path(sys.executable).with_name("copier")
    # `uvx --from SPEC copier ARGS…` -> `copier ARGS…`
    tool(bin_dir, "uvx", f'shift 3\nexec "{copier}" "$@"\n')
    calls = tmp_path / "gh-calls"
    tool(bin_dir, "gh", f'echo "$*" >> "{calls}"\n[ "$1 $2" != "pr view" ]\n')
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "COPIER": "copier"}
    env.update(BRANCH=BRANCH, GITHUB_OUTPUT=str(tmp_path / "out"), GITHUB_ENV=str(tmp_path / "env"))
    return env, calls


def project_with_remote(releases, tmp_path, provider: str) -> tuple[Path, Path]:
    project = start_project(
        f"git+{releases.as_uri()}", "v1.0.0", tmp_path / "project", {"ci_provider": provider}
    )
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    git(remote, "config", "receive.advertisePushOptions", "true")
    git(project, "remote", "add", "origin", str(remote))
    git(project, "push", "--quiet", "origin", "main")
    return project, remote


def run(script: str, project: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=project, env=env, capture_output=True, text=True
    )


def github_steps(project: Path) -> list[dict]:
    workflow = yaml.safe_load((project / ".github/workflows/template-update.yml").read_text())
    return [step for step in workflow["jobs"]["propose"]["steps"] if "run" in step]


def run_github_job(project: Path, env: dict) -> None:
    """The job's `run:` steps in order, skipping those whose `if:` is false, as Actions would."""
    for step in github_steps(project):
        outputs = Path(env["GITHUB_OUTPUT"])
        available = outputs.exists() and "available=true" in outputs.read_text()
        if "if" in step and not available:
            continue
        script = step["run"].replace("${{ github.event.repository.default_branch }}", "main")
        extra = Path(env["GITHUB_ENV"])
        if extra.exists():
            env = {**env, **dict(line.split("=", 1) for line in extra.read_text().splitlines())}
        done = run(script, project, env)
        assert done.returncode == 0, f"{step.get('name')}:\n{done.stdout}\n{done.stderr}"


def answers_on(remote: Path, ref: str) -> dict:
    return yaml.safe_load(git(remote, "show", f"{ref}:.copier-answers.yml"))


def test_github_proposes_the_new_release_on_its_branch_only(releases, tmp_path, shell_env):
    env, calls = shell_env
    project, remote = project_with_remote(releases, tmp_path, "github")
    main_before = git(remote, "rev-parse", "main")

    run_github_job(project, env)

    assert git(remote, "rev-parse", "main") == main_before
    assert answers_on(remote, BRANCH)["_commit"] == "v1.1.0"
    created = calls.read_text().splitlines()[-1]
    assert created.startswith(f"pr create --head {BRANCH} --base main")
    assert "v1.1.0" in created


def test_github_does_nothing_when_the_project_is_on_the_newest_release(
    releases, tmp_path, shell_env
):
    env, calls = shell_env
    project, remote = project_with_remote(releases, tmp_path, "github")
    git(releases, "tag", "--delete", "v1.1.0")

    run_github_job(project, env)

    assert BRANCH not in git(remote, "branch", "--list")
    assert not calls.exists()


def test_gitlab_pushes_its_branch_with_a_merge_request_and_leaves_main(
    releases, tmp_path, shell_env
):
    env, _ = shell_env
    project, remote = project_with_remote(releases, tmp_path, "gitlab")
    main_before = git(remote, "rev-parse", "main")
    env.update(
        CI_SERVER_HOST="gitlab.example",
        CI_PROJECT_PATH="team/model",
        CI_DEFAULT_BRANCH="main",
        TEMPLATE_UPDATE_TOKEN="secret",
    )
    url = "https://oauth2:secret@gitlab.example/team/model.git"
    git(project, "config", f"url.{remote}.insteadOf", url)  # the push goes to the local remote
    job = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["template-update"]

    done = run("\n".join(job["script"]), project, {**env, **job["variables"]})

    assert done.returncode == 0, done.stdout + done.stderr
    assert git(remote, "rev-parse", "main") == main_before
    assert answers_on(remote, BRANCH)["_commit"] == "v1.1.0"


def test_gitlab_refuses_to_run_without_its_token(releases, tmp_path, shell_env):
    env, _ = shell_env
    project, remote = project_with_remote(releases, tmp_path, "gitlab")
    job = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["template-update"]

    done = run("\n".join(job["script"]), project, {**env, **job["variables"]})

    assert done.returncode == 1
    assert done.stdout.strip().splitlines()[-1].startswith("error: set the CI/CD variable")
    assert BRANCH not in git(remote, "branch", "--list")
