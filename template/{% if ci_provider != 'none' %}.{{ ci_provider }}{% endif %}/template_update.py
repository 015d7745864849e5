"""Propose the newest ml-playbook template release on the branch `template-update`.

The scheduled CI job runs it from a checkout of the default branch, with the git identity set:

    python3 .github/template_update.py github     # GitHub Actions: opens a pull request
    python3 .gitlab/template_update.py gitlab     # GitLab CI: opens a merge request

The branch is where people resolve the update's conflicts, so it is never force-pushed:

- no newer release: nothing to do;
- the branch already proposes the newest release: it is left as it is (someone may be resolving
  it); if its pull request was closed without merging, that release is skipped;
- the branch proposes an older release: the update runs on top of it, so what people resolved
  there is kept as the team's edits, and the result is pushed as one more commit;
- no branch, or one already merged — by a merge, a squash or a rebase (the default branch is
  on the branch's release or a later one): it starts from the default branch.

Before committing it re-locks (`uv lock`), and it lists every conflict marker it leaves in the
log and in the pull request. Standard library only: it runs before the project's environment
exists, and a conflict in pyproject.toml stops every `uv run`.

Environment: BRANCH, COPIER (copier's requirement for uvx), TEMPLATE_UPDATE_TOKEN; BASE (the
default branch; GitLab: CI_DEFAULT_BRANCH); GitLab: CI_PROJECT_URL.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ANSWERS = ".copier-answers.yml"
MARKERS = ("<<<<<<< ", ">>>>>>> ")
BARE_MARKERS = ("<<<<<<<", ">>>>>>>")
MAX_LISTED = 20  # conflict lines named in the pull request; the log names all of them
# What a host says when it refuses, and the one line that says what to change.
REFUSALS = {
    "without `workflows` permission": (
        "GitHub refused the push: this release changes .github/workflows/, so "
        "TEMPLATE_UPDATE_TOKEN needs the Workflows permission (read and write)"
    ),
    "not permitted to create or approve pull requests": (
        "GitHub refused to open the pull request: give TEMPLATE_UPDATE_TOKEN Pull requests "
        "(read and write); with GitHub's own token, Settings > Actions > General > "
        '"Allow GitHub Actions to create and approve pull requests" must be on'
    ),
    "[rejected]": (
        "the branch moved while this job ran (someone pushed to it): nothing was overwritten; "
        "run the job again"
    ),
}


class StopError(Exception):
    """A one-line reason the job cannot go on."""


def run(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        said = (done.stderr or done.stdout).strip()
        for clue, reason in REFUSALS.items():
            if clue in said:
                raise StopError(reason)
        first = said.splitlines()[0] if said else f"exit status {done.returncode}"
        raise StopError(f"`{' '.join(command[:3])}` failed: {first}")
    return done


def git(*args: str, check: bool = True) -> str:
    return run("git", *args, check=check).stdout.strip()


def copier(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run("uvx", "--from", os.environ.get("COPIER", "copier"), "copier", *args, check=check)


def release_of(answers: str) -> str | None:
    """The `_commit` an answers file records (copier writes it as a plain `key: value` line)."""
    for line in answers.splitlines():
        if line.startswith("_commit:"):
            return line.split(":", 1)[1].strip().strip("'\"") or None
    return None


def same_release(a: str | None, b: str | None) -> bool:
    """v1.2.0 and 1.2.0 name one release (copier reports versions without the `v`)."""
    return a is not None and b is not None and a.removeprefix("v") == b.removeprefix("v")


def release_key(release: str) -> tuple[int, ...] | None:
    """v1.10.0 -> (1, 10, 0), to order releases; None for a commit or another form."""
    try:
        return tuple(int(part) for part in release.removeprefix("v").split("."))
    except ValueError:
        return None


def newer(a: str, b: str | None) -> bool:
    """Whether release `a` comes after `b` (any other release, when they cannot be ordered)."""
    if b is None:
        return True
    key_a, key_b = release_key(a), release_key(b)
    return key_a > key_b if key_a is not None and key_b is not None else not same_release(a, b)


def newest_release() -> str | None:
    """The newest release when it is newer than the checked-out project's, else None."""
    done = copier("check-update", "--output-format", "json")
    info = json.loads(done.stdout)
    return str(info["latest_version"]) if info["update_available"] else None


def remote_branch(branch: str) -> str | None:
    """The commit the remote's branch points at, fetched; None when there is no such branch."""
    if not git("ls-remote", "--heads", "origin", f"refs/heads/{branch}"):
        return None
    git("fetch", "--quiet", "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}")
    return git("rev-parse", f"refs/remotes/origin/{branch}")


def merged(commit: str) -> bool:
    return run("git", "merge-base", "--is-ancestor", commit, "HEAD", check=False).returncode == 0


def changed_files(since: str) -> list[str]:
    """Files changed since `since` or new (untracked), as git names them."""
    changed = git("diff", "--name-only", "-z", since).split("\0")
    new = git("ls-files", "--others", "--exclude-standard", "-z").split("\0")
    return sorted({name for name in changed + new if name})


def conflicts(names: list[str]) -> list[str]:
    """`file:line` of every conflict marker (or `file` of a .rej file) among `names`."""
    found = []
    for name in names:
        path = Path(name)
        if name.endswith(".rej"):
            found.append(name)
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, 1):
                line = raw.decode("utf-8", "replace")
                if line.startswith(MARKERS) or line.rstrip("\r\n") in BARE_MARKERS:
                    found.append(f"{name}:{number}")
    return found


def relock(start: str) -> str | None:
    """Bring uv.lock in line with the updated pyproject.toml; None, or why it was not."""
    if conflicts(["pyproject.toml"]):
        return "pyproject.toml holds conflict markers: resolve them, then run `uv lock`"
    if conflicts(["uv.lock"]):  # merged locks are not worth resolving: re-lock the team's one
        git("checkout", start, "--", "uv.lock", check=False)
    done = run("uv", "lock", "--quiet", check=False)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        return f"`uv lock` failed ({said[0] if said else done.returncode}): run `uv lock`"
    return None


def describe(release: str, markers: list[str], lock_problem: str | None) -> list[str]:
    """The pull request's description, as paragraphs."""
    lines = [
        f"`copier update` to the ml-playbook template release {release}. Review the diff "
        "(what each release changes: the template's CHANGELOG.md), resolve any conflict on this "
        "branch (it is never force-pushed), then merge. Closing this pull request without "
        "merging skips the release; the next one is proposed on this branch.",
    ]
    if markers:
        shown = markers[:MAX_LISTED]
        more = f" and {len(markers) - len(shown)} more" if len(markers) > len(shown) else ""
        lines.append(
            f"Conflicts to resolve ({len(markers)}): {', '.join(shown)}{more}. "
            "`uvx pre-commit run check-update-leftovers --all-files` lists them without `uv run`."
        )
    if lock_problem:
        lines.append(f"uv.lock is not refreshed: {lock_problem}, and commit uv.lock.")
    return lines


class GitHub:
    """Pushes with the checkout's credentials (TEMPLATE_UPDATE_TOKEN) and uses `gh`."""

    def __init__(self, branch: str, base: str) -> None:
        self.branch, self.base = branch, base

    def push(self, title: str, body: list[str], landed: str | None = None) -> None:
        git(
            "push",
            "--quiet",
            *lease(self.branch, landed),
            "origin",
            f"HEAD:refs/heads/{self.branch}",
        )
        self.open_or_refresh(title, "\n\n".join(body))

    def pull_requests(self) -> list[dict]:
        listed = run(
            "gh", "pr", "list", "--head", self.branch, "--state", "all",
            "--json", "number,state,title", "--limit", "100",
        )  # fmt: skip
        return json.loads(listed.stdout or "[]")

    def open_or_refresh(self, title: str, body: str) -> None:
        opened = [pr for pr in self.pull_requests() if pr["state"] == "OPEN"]
        if opened:
            number = str(opened[0]["number"])
            run("gh", "pr", "edit", number, "--title", title, "--body", body)
            print(f"Refreshed pull request #{number}: {title}")
        else:
            run(
                "gh", "pr", "create", "--head", self.branch, "--base", self.base,
                "--title", title, "--body", body,
            )  # fmt: skip
            print(f"Opened the pull request: {title}")

    def already_proposed(self, title: str, body: list[str]) -> None:
        requests = self.pull_requests()
        if any(pr["state"] == "OPEN" for pr in requests):
            print(f"{title}: already proposed on {self.branch}; left as it is.")
        elif any(pr["state"] == "CLOSED" and pr["title"] == title for pr in requests):
            print(f"{title}: its pull request was closed without merging, so it is skipped.")
        else:  # pushed, but its pull request was never opened (e.g. a refused permission)
            self.open_or_refresh(title, "\n\n".join(body))


class GitLab:
    """Pushes with TEMPLATE_UPDATE_TOKEN; push options open or refresh the merge request."""

    def __init__(self, branch: str, base: str, project_url: str, token: str) -> None:
        self.branch, self.base = branch, base
        # CI_PROJECT_URL keeps the instance's port and path prefix (CI_SERVER_HOST has neither).
        url = urlsplit(project_url)
        self.url = urlunsplit(url._replace(netloc=f"oauth2:{token}@{url.netloc}"))
        self.url = self.url.rstrip("/") + ".git"

    def push(self, title: str, body: list[str], landed: str | None = None) -> None:
        # A push option is one line: the description's paragraphs are joined by spaces.
        git(
            "push", "--quiet", *lease(self.branch, landed),
            "-o", "merge_request.create",
            "-o", f"merge_request.target={self.base}",
            "-o", f"merge_request.title={title}",
            "-o", f"merge_request.description={' '.join(body)}",
            self.url, f"HEAD:refs/heads/{self.branch}",
        )  # fmt: skip
        print(f"Pushed {self.branch} with its merge request: {title}")

    def already_proposed(self, title: str, body: list[str]) -> None:
        print(
            f"{title}: already proposed on {self.branch}; left as it is (a closed merge request "
            "skips the release)."
        )


def lease(branch: str, landed: str | None) -> list[str]:
    """A branch whose proposal landed by a squash or a rebase is replaced, but only if it is
    still the commit that was read (nobody pushed since): its content is on main already."""
    return [f"--force-with-lease=refs/heads/{branch}:{landed}"] if landed else []


def host(provider: str, branch: str) -> GitHub | GitLab:
    token = os.environ.get("TEMPLATE_UPDATE_TOKEN", "")
    if provider == "github":
        base = os.environ.get("BASE", "")
        if not base:
            raise StopError("BASE is empty: name the default branch the pull request targets")
        return GitHub(branch, base)
    if provider == "gitlab":
        if not token:
            raise StopError(
                "set the CI/CD variable TEMPLATE_UPDATE_TOKEN (a project access token with the "
                "Developer role and write_repository, masked) to push the branch"
            )
        base = os.environ.get("BASE") or os.environ.get("CI_DEFAULT_BRANCH", "")
        return GitLab(branch, base, os.environ["CI_PROJECT_URL"], token)
    raise StopError(f"unknown provider {provider!r}: github or gitlab")


def propose(provider: str) -> None:
    branch = os.environ.get("BRANCH", "template-update")
    target = host(provider, branch)
    newest = newest_release()
    if newest is None:
        print("The project is on the newest template release.")
        return
    proposed = remote_branch(branch)
    start = "HEAD"
    on_main = release_of(Path(ANSWERS).read_text()) if Path(ANSWERS).is_file() else None
    on_branch = None
    if proposed is not None:
        on_branch = release_of(git("show", f"{proposed}:{ANSWERS}", check=False))
    # Landed when merged, or squashed or rebased onto main (main is on its release or later).
    squashed = (
        proposed is not None
        and not merged(proposed)
        and on_branch is not None
        and not newer(on_branch, on_main)
    )
    if proposed is not None and not merged(proposed) and not squashed:
        if same_release(on_branch, newest):
            title = f"Update to the ml-playbook template {on_branch}"
            target.already_proposed(title, describe(on_branch, [], None))
            return
        start = proposed  # build on what people may have resolved there
    start = git("rev-parse", start)
    git("checkout", "--quiet", "-B", branch, start)  # -B: a runner may keep an old branch
    copier("update", "--defaults")
    lock_problem = relock(start)
    markers = conflicts(changed_files(start))
    release = release_of(Path(ANSWERS).read_text()) or newest
    git("add", "--all")
    title = f"Update to the ml-playbook template {release}"
    git("commit", "--quiet", "--no-verify", "--message", title)
    for marker in markers:
        print(f"conflict: {marker}")
    if lock_problem:
        print(f"uv.lock is not refreshed: {lock_problem}")
    target.push(title, describe(release, markers, lock_problem), proposed if squashed else None)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        propose(args[0] if args else "")
    except StopError as reason:
        print(f"error: {reason}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
