"""A throwaway git clone of the template's working tree, committed and tagged as a release.

Copier reads versions from git tags (`_commit` in the answers file, `copier update`), so tests
and benchmarks render from such a clone rather than from the working tree.
"""

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent

# A fixed identity, so commits work on machines without a git configuration.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "ml-playbook tests",
    "GIT_AUTHOR_EMAIL": "tests@ml-playbook.invalid",
    "GIT_COMMITTER_NAME": "ml-playbook tests",
    "GIT_COMMITTER_EMAIL": "tests@ml-playbook.invalid",
}


def release_tag() -> str:
    """The tag of the working tree's version, from the root pyproject.toml (e.g. `v0.1.0`)."""
    with (TEMPLATE_ROOT / "pyproject.toml").open("rb") as f:
        return "v" + tomllib.load(f)["project"]["version"]


def _git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_IDENTITY}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


# What copier reads of this repository to render or update a project: the questions, the
# template folder, the Jinja macros it imports (includes/) and the migration scripts
# (devtools/). Copier checks a template out afresh for every render (an update renders three
# times), so a clone of only these, a third of the files, makes each checkout cheaper while
# every render is the one a full clone gives (tests/test_update_path.py compares the two).
RENDER_INPUTS = ("copier.yml", "template/", "includes/", "devtools/")


def is_render_input(name: str) -> bool:
    return name in RENDER_INPUTS or name.startswith(
        tuple(prefix for prefix in RENDER_INPUTS if prefix.endswith("/"))
    )


def working_tree_files(root: Path = TEMPLATE_ROOT) -> list[str]:
    """Files git tracks plus untracked ones it does not ignore: the tree as it is being edited."""
    out = _git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=root)
    return sorted(name for name in out.split("\0") if name and (root / name).is_file())


def copy_working_tree(dest: Path, source: Path = TEMPLATE_ROOT, render_only: bool = False) -> None:
    """`source`'s working tree (or only what copier reads: `render_only`) copied into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    names = working_tree_files(source)
    for name in filter(is_render_input, names) if render_only else names:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target)


def make_tagged_clone(
    dest: Path, tag: str | None = None, source: Path = TEMPLATE_ROOT, render_only: bool = False
) -> Path:
    """Copy `source`'s working tree into `dest`, commit it and tag it `tag` (default:
    release_tag()). `render_only`: only what copier reads (RENDER_INPUTS), for tests that render
    and update but neither install the library nor use cookiecutter."""
    copy_working_tree(dest, source, render_only)
    _git("init", "--quiet", "--initial-branch=main", cwd=dest)
    commit_and_tag(dest, tag or release_tag(), "Template release")
    return dest


def commit_and_tag(repo: Path, tag: str, message: str) -> None:
    """Commit everything in `repo` and tag it, as a template release would be."""
    _git("add", "--all", cwd=repo)
    _git("commit", "--quiet", "--allow-empty", "--message", message, cwd=repo)
    _git("tag", tag, cwd=repo)
