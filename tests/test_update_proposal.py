"""The generated CI's scheduled update proposal, run here with real copier on real renders.

The job's script (.github/template_update.py or .gitlab/template_update.py, called as the
workflow calls it) runs in a generated project whose `origin` is a local bare repository;
`uvx` runs this environment's copier, `uv lock` and `gh` are stand-ins
(devtools.update_scenarios.write_fake_ci_tools). The proposal must push only its branch, with
the update committed, and open a pull/merge request; the main branch of the remote must not
move. Nothing reaches the network. How the script treats an existing branch, a closed pull
request, the lock and a refusing host: tests/test_update_proposal_script.py.
"""

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from devtools.release_history import change_practices
from devtools.template_clone import commit_and_tag, make_tagged_clone
from devtools.update_scenarios import (
    copier_with_test_caches,
    gh_calls,
    git,
    start_project,
    write_fake_ci_tools,
)

pytestmark = pytest.mark.render

BRANCH = "template-update"


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """A template with two releases: v1.0.0 and v1.1.0 (new practices, no migration), of only
    what copier reads (the proposal runs copier, never the library); only read."""
    repo = make_tagged_clone(
        tmp_path_factory.mktemp("releases") / "ml-playbook", tag="v1.0.0", render_only=True
    )
    change_practices(repo)
    commit_and_tag(repo, "v1.1.0", "New practices")
    return repo


@pytest.fixture
def shell_env(tmp_path):
    """PATH with `uvx` (this environment's copier, with the test process's caches), a fake
    `uv lock` and a recording `gh`."""
    bin_dir = tmp_path / "bin"
    write_fake_ci_tools(bin_dir, real_copier=copier_with_test_caches(tmp_path / "copier-bin"))
    calls = tmp_path / "gh-calls"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "FAKE_GH_CALLS": str(calls),
        "TEMPLATE_UPDATE_TOKEN": "secret",
        "GH_TOKEN": "secret",
    }
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


def answers_on(remote: Path, ref: str) -> dict:
    return yaml.safe_load(git(remote, "show", f"{ref}:.copier-answers.yml"))


def test_github_proposes_the_new_release_on_its_branch_only(releases, tmp_path, shell_env):
    env, calls = shell_env
    project, remote = project_with_remote(releases, tmp_path, "github")
    main_before = git(remote, "rev-parse", "main")
    workflow = yaml.safe_load((project / ".github/workflows/template-update.yml").read_text())
    step = workflow["jobs"]["propose"]["steps"][-1]  # the one that proposes
    env.update(BRANCH=workflow["env"]["BRANCH"], BASE="main", COPIER="copier")

    done = run(step["run"], project, env)

    assert done.returncode == 0, done.stdout + done.stderr
    assert git(remote, "rev-parse", "main") == main_before
    assert answers_on(remote, BRANCH)["_commit"] == "v1.1.0"
    created = gh_calls(calls)[-1]
    assert created[:7] == ["pr", "create", "--head", BRANCH, "--base", "main", "--title"]
    assert created[7] == "Update to the ml-playbook template v1.1.0"


def test_gitlab_pushes_its_branch_with_a_merge_request_and_leaves_main(
    releases, tmp_path, shell_env
):
    env, _ = shell_env
    project, remote = project_with_remote(releases, tmp_path, "gitlab")
    main_before = git(remote, "rev-parse", "main")
    env.update(
        CI_SERVER_HOST="gitlab.example",
        CI_PROJECT_URL="https://gitlab.example/team/model",
        CI_DEFAULT_BRANCH="main",
        COPIER="copier",
    )
    url = "https://oauth2:secret@gitlab.example/team/model.git"
    git(project, "config", f"url.{remote}.insteadOf", url)  # the push goes to the local remote
    job = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["template-update"]
    variables = {**job["variables"], "COPIER": "copier"}

    done = run("\n".join(job["script"]), project, {**env, **variables})

    assert done.returncode == 0, done.stdout + done.stderr
    assert git(remote, "rev-parse", "main") == main_before
    assert answers_on(remote, BRANCH)["_commit"] == "v1.1.0"
