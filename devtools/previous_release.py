"""The release before the library took the machinery, rebuilt for tests of the move.

v1.0.0 moved ~7,000 lines of machinery out of the generated project into the ml-playbook
library; projects made from v0.1.0 reach it through `copier update` and its migrations. Tests
of that path need v0.1.0 itself: it is this repository's commit below, extracted with
`git archive` into a fresh repository, tagged, and followed by the working tree as the current
release.
"""

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

from devtools.template_clone import (
    TEMPLATE_ROOT,
    _git,
    commit_and_tag,
    copy_working_tree,
    is_render_input,
    release_tag,
)

PREVIOUS_TAG = "v0.1.0"
PREVIOUS_COMMIT = "5ffebfab44fd90fdbca5ae30901dcadc9914afcf"  # pragma: allowlist secret


def extract(commit: str, dest: Path, source: Path = TEMPLATE_ROOT) -> None:
    """The tree of `commit` in `source`'s history, written into `dest`."""
    done = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=source, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"git archive {commit} failed ({done.stderr.decode().strip()}): the tests of the "
            "v1.0.0 migration need this repository's history (not a shallow clone)"
        )
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(dest, filter="data")


def _drop_all_but_render_inputs(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):  # files before their folders
        name = path.relative_to(root).as_posix()
        if ".git" in path.relative_to(root).parts or is_render_input(name):
            continue
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        else:
            path.unlink()


def make_previous_then_current(
    dest: Path, source: Path = TEMPLATE_ROOT, render_only: bool = False
) -> Path:
    """A template repository at `dest` with two releases: v0.1.0, then the working tree.
    `render_only`: each release holds only what copier reads (template_clone.RENDER_INPUTS),
    for tests that update a project but install nothing from the template."""
    dest.mkdir(parents=True, exist_ok=True)
    _git("init", "--quiet", "--initial-branch=main", cwd=dest)
    extract(PREVIOUS_COMMIT, dest, source)
    if render_only:
        _drop_all_but_render_inputs(dest)
    commit_and_tag(dest, PREVIOUS_TAG, "Release v0.1.0")
    for path in dest.iterdir():
        if path.name != ".git":
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    copy_working_tree(dest, source, render_only)
    commit_and_tag(dest, release_tag(), "The current release")
    return dest
