"""The CI proposal script (template_update.py) against a local bare remote, with stand-ins for
copier, uv and gh: how it treats a branch people resolved, a closed pull request, the lock, a
conflicted pyproject.toml, a GitLab runner that kept the branch, and a host that refuses.

The project is a small git repository shaped like a generated one (the answers file, a
pyproject.toml, a lock); each "release" is the set of files the fake copier writes. Real
copier runs on real renders in tests/test_update_proposal.py.
"""

import importlib.util
import json
import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from devtools.template_clone import TEMPLATE_ROOT
from devtools.update_scenarios import fake_lock, gh_calls, git, write_fake_ci_tools

SCRIPT = (
    TEMPLATE_ROOT
    / "template"
    / "{% if ci_provider != 'none' %}.{{ ci_provider }}{% endif %}"
    / "template_update.py"
)
BRANCH = "template-update"
PYPROJECT = '[project]\nname = "churn"\ndependencies = [\n    "ml-playbook",\n]\n'
TEAM_README = "# Churn\n\nOur description.\n"
CONFLICTED_README = (
    "# Churn\n\n<<<<<<< before updating\nOur description.\n=======\n"
    "The template's description.\n>>>>>>> after updating\n"
)
RESOLVED_README = "# Churn\n\nOur description, and the template's.\n"


def load_script():
    """The script as a module, loaded once: each job runs in this process (no Python start)."""
    spec = importlib.util.spec_from_file_location("template_update", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PROPOSAL = load_script()


class Team:
    """A generated project on main, its bare `origin`, and what the job and people do to it."""

    def __init__(self, tmp_path: Path, monkeypatch, capsys) -> None:
        self.root, self.monkeypatch, self.capsys = tmp_path, monkeypatch, capsys
        self.remote = tmp_path / "origin.git"
        self.project = tmp_path / "project"
        self.releases = tmp_path / "releases"
        self.gh_calls = tmp_path / "gh-calls"
        bin_dir = tmp_path / "bin"
        write_fake_ci_tools(bin_dir)
        self.env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "FAKE_RELEASES": str(self.releases),
            "FAKE_GH_CALLS": str(self.gh_calls),
            "FAKE_GH_PRS": str(tmp_path / "gh-prs.json"),
            "BRANCH": BRANCH,
            "BASE": "main",
            "TEMPLATE_UPDATE_TOKEN": "token",
        }
        subprocess.run(["git", "init", "--quiet", "--bare", str(self.remote)], check=True)
        git(self.remote, "config", "receive.advertisePushOptions", "true")
        self.project.mkdir()
        self.write(self.project, ".copier-answers.yml", "_commit: v1.0.0\n_src_path: x\n")
        self.write(self.project, "pyproject.toml", PYPROJECT)
        self.write(self.project, "uv.lock", fake_lock(PYPROJECT))
        self.write(self.project, "README.md", TEAM_README)
        git(self.project, "init", "--quiet", "--initial-branch=main")
        git(self.project, "add", "--all")
        git(self.project, "commit", "--quiet", "--message", "Start")
        git(self.project, "remote", "add", "origin", str(self.remote))
        git(self.project, "push", "--quiet", "origin", "main")

    @staticmethod
    def write(folder: Path, name: str, text: str) -> None:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)

    def release(self, version: str, files: dict[str, str]) -> None:
        """Publish `version`: the files its update writes; it becomes the newest."""
        for name, text in files.items():
            self.write(self.releases / version, name, text)
        self.env["FAKE_NEWEST"] = version

    def run_job(self, provider: str = "github", **env: str) -> SimpleNamespace:
        """The scheduled job: a fresh checkout of main, then the script."""
        checkout = self.root / f"checkout-{len(list(self.root.glob('checkout-*')))}"
        git(self.root, "clone", "--quiet", "--branch", "main", str(self.remote), str(checkout))
        return self.run_in(checkout, provider, **env)

    def run_in(self, checkout: Path, provider: str, **env: str) -> SimpleNamespace:
        """The script's main() in `checkout`, with the job's environment; its exit and output."""
        with self.monkeypatch.context() as patch:
            patch.chdir(checkout)
            for name, value in {**self.env, **env}.items():
                patch.setenv(name, value)
            self.capsys.readouterr()
            returncode = PROPOSAL.main([provider])
            return SimpleNamespace(returncode=returncode, stdout=self.capsys.readouterr().out)

    def person_resolves(self, readme: str = RESOLVED_README) -> str:
        """Someone checks out the branch, resolves README.md, pushes; the new head."""
        clone = self.root / "person"
        git(self.root, "clone", "--quiet", "--branch", BRANCH, str(self.remote), str(clone))
        (clone / "README.md").write_text(readme)
        git(clone, "commit", "--quiet", "--all", "--message", "Resolve the README")
        git(clone, "push", "--quiet", "origin", BRANCH)
        return git(clone, "rev-parse", "HEAD").strip()

    def on_branch(self, name: str) -> str:
        return git(self.remote, "show", f"{BRANCH}:{name}")

    def head(self, ref: str = BRANCH) -> str:
        return git(self.remote, "rev-parse", ref).strip()

    def gh(self) -> list[list[str]]:
        return gh_calls(self.gh_calls)

    def pull_requests(self, *requests: dict) -> None:
        (self.root / "gh-prs.json").write_text(json.dumps(list(requests)))


def ok(done: SimpleNamespace) -> str:
    assert done.returncode == 0, done.stdout
    return done.stdout


def verbs(calls: list[list[str]]) -> list[str]:
    return [" ".join(call[:2]) for call in calls]


@pytest.fixture
def team(tmp_path, monkeypatch, capsys):
    return Team(tmp_path, monkeypatch, capsys)


def test_the_branch_someone_resolved_is_left_alone_then_a_newer_release_builds_on_it(team):
    title = "Update to the ml-playbook template v1.1.0"
    team.release("1.1.0", {"README.md": CONFLICTED_README})
    ok(team.run_job())
    resolved = team.person_resolves()
    team.pull_requests({"number": 7, "state": "OPEN", "title": title})
    main_before = team.head("main")

    out = ok(team.run_job())  # the same release: the branch is not touched

    assert team.head() == resolved
    assert team.on_branch("README.md") == RESOLVED_README
    assert team.head("main") == main_before
    assert "left as it is" in out
    assert verbs(team.gh()) == ["pr list", "pr create", "pr list"]

    team.release("1.2.0", {"Makefile": "test:\n\tuv run pytest\n"})
    ok(team.run_job())  # a newer release: one more commit on top of the resolution

    assert git(team.remote, "rev-parse", f"{BRANCH}~1").strip() == resolved
    assert team.on_branch("README.md") == RESOLVED_README
    assert "_commit: v1.2.0" in team.on_branch(".copier-answers.yml")
    edit = team.gh()[-1]
    assert edit[:3] == ["pr", "edit", "7"]
    assert "Update to the ml-playbook template v1.2.0" in edit


def test_a_closed_pull_request_skips_its_release_until_the_next_one(team):
    team.release("1.1.0", {"README.md": "# Churn\n\nThe template's.\n"})
    ok(team.run_job())
    proposed = team.head()
    team.pull_requests(
        {"number": 7, "state": "CLOSED", "title": "Update to the ml-playbook template v1.1.0"}
    )

    skipped = ok(team.run_job())

    assert "skipped" in skipped
    assert team.head() == proposed
    assert verbs(team.gh()).count("pr create") == 1

    team.release("1.2.0", {"Makefile": "all:\n"})
    ok(team.run_job())

    assert verbs(team.gh()).count("pr create") == 2
    assert "_commit: v1.2.0" in team.on_branch(".copier-answers.yml")


def test_a_merged_branch_is_started_again_from_main(team):
    team.release("1.1.0", {"Makefile": "all:\n"})
    ok(team.run_job())
    git(team.remote, "update-ref", "refs/heads/main", team.head())  # merged (fast-forward)
    team.release("1.2.0", {"Makefile": "test:\n"})

    ok(team.run_job())

    assert git(team.remote, "rev-parse", f"{BRANCH}~1").strip() == team.head("main")


def test_the_proposal_commits_a_lock_that_matches_its_pyproject_even_after_a_lock_conflict(
    team,
):
    new_pyproject = PYPROJECT.replace('"ml-playbook",', '"ml-playbook",\n    "duckdb>=1.1",')
    conflicted_lock = "<<<<<<< before updating\na\n=======\nb\n>>>>>>> after updating\n"
    team.release("1.1.0", {"pyproject.toml": new_pyproject, "uv.lock": conflicted_lock})

    out = ok(team.run_job())

    assert team.on_branch("uv.lock") == fake_lock(new_pyproject)
    assert "conflict" not in out


def test_a_conflict_in_pyproject_is_listed_without_uv_and_the_lock_left_to_redo(team):
    conflicted = (
        PYPROJECT + "<<<<<<< before updating\nx = 1\n=======\nx = 2\n>>>>>>> after updating\n"
    )
    team.release("1.1.0", {"pyproject.toml": conflicted})

    out = ok(team.run_job())

    assert "conflict: pyproject.toml:6" in out.splitlines()
    body = team.gh()[-1][team.gh()[-1].index("--body") + 1]
    assert "pyproject.toml:6, pyproject.toml:10" in body
    assert "uvx pre-commit run check-update-leftovers --all-files" in body
    assert "uv.lock is not refreshed" in body and "run `uv lock`" in body


def test_gitlab_pushes_to_a_url_with_the_instances_port_on_a_runner_that_kept_the_branch(team):
    team.release("1.1.0", {"Makefile": "all:\n"})
    checkout = team.root / "runner"
    git(team.root, "clone", "--quiet", "--branch", "main", str(team.remote), str(checkout))
    git(checkout, "branch", BRANCH)  # left over from an earlier pipeline on this runner
    url = "https://oauth2:token@gitlab.example:8443/team/model.git"
    git(checkout, "config", f"url.{team.remote}.insteadOf", url)
    main_before = team.head("main")

    ok(
        team.run_in(
            checkout,
            "gitlab",
            CI_PROJECT_URL="https://gitlab.example:8443/team/model",
            CI_DEFAULT_BRANCH="main",
        )
    )

    assert team.head("main") == main_before
    assert "_commit: v1.1.0" in team.on_branch(".copier-answers.yml")


def test_gitlab_without_its_token_says_which_variable_in_one_line(team):
    team.release("1.1.0", {"Makefile": "all:\n"})

    done = team.run_job(
        "gitlab", TEMPLATE_UPDATE_TOKEN="", CI_PROJECT_URL="https://gitlab.example/t/m"
    )

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "error: set the CI/CD variable TEMPLATE_UPDATE_TOKEN (a project access token with the "
        "Developer role and write_repository, masked) to push the branch"
    ]


def test_a_push_refused_for_workflow_files_names_the_permission(team):
    hook = team.remote / "hooks" / "pre-receive"
    hook.write_text(
        "#!/bin/sh\necho 'refusing to allow a Personal Access Token to create or update workflow "
        "`.github/workflows/ci.yml` without `workflows` permission' >&2\nexit 1\n"
    )
    hook.chmod(0o755)
    team.release("1.1.0", {".github/workflows/ci.yml": "on: push\n"})

    done = team.run_job()

    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        "error: GitHub refused the push: this release changes .github/workflows/, so "
        "TEMPLATE_UPDATE_TOKEN needs the Workflows permission (read and write)"
    )


def test_a_refused_pull_request_names_the_setting(team):
    team.release("1.1.0", {"Makefile": "all:\n"})

    done = team.run_job(
        FAKE_GH_REFUSE="GitHub Actions is not permitted to create or approve pull requests"
    )

    assert done.returncode == 1
    last = done.stdout.splitlines()[-1]
    assert last.startswith("error: GitHub refused to open the pull request")
    assert '"Allow GitHub Actions to create and approve pull requests"' in last


def test_nothing_happens_on_the_newest_release(team):
    team.release("1.0.0", {})

    out = ok(team.run_job())

    assert out.strip() == "The project is on the newest template release."
    assert BRANCH not in git(team.remote, "branch", "--list")
    assert team.gh() == []


def test_a_squash_merged_branch_is_started_again_from_main_and_replaced(team):
    # Given a proposal of 1.1.0 that was squash-merged (main holds its tree in a new commit)
    team.release("1.1.0", {"Makefile": "all:\n"})
    ok(team.run_job())
    tree = git(team.remote, "rev-parse", f"{BRANCH}^{{tree}}").strip()
    squashed = git(
        team.remote, "commit-tree", tree, "-p", "main", "-m", "Update (squashed)"
    ).strip()
    git(team.remote, "update-ref", "refs/heads/main", squashed)
    team.release("1.2.0", {"Makefile": "test:\n"})

    # When the job runs for the next release
    ok(team.run_job())

    # Then the proposal starts from main, not from the stale branch
    assert git(team.remote, "rev-parse", f"{BRANCH}~1").strip() == squashed
    assert team.on_branch("Makefile") == "test:\n"
