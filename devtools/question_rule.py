"""The maintainers' rule for new questions, checked: an update changes nothing but the version.

A new question's default must reproduce what the previous release generated, so that
`copier update --defaults` on a project nobody touched changes only the recorded version
(`_commit`, the new answers in .copier-answers.yml, and the two release pins).

    uv run python -m devtools.question_rule v0.3.0   # the last release tag against the working tree

prints every other line such an update changes. Before tagging a release that only adds
questions, it must print nothing; for other releases it lists exactly what an untouched
project will receive, to compare with the CHANGELOG.
"""

import argparse
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from copier.errors import CopierError
from jinja2 import TemplateError

from devtools.template_clone import (
    TEMPLATE_ROOT,
    commit_and_tag,
    copy_working_tree,
    make_tagged_clone,
    release_tag,
)
from devtools.update_scenarios import git, start_project, update

ANSWERS_FILE = ".copier-answers.yml"


def changes_beyond_the_version(project: Path, refs: tuple[str, ...]) -> list[str]:
    """`file: +line` for every uncommitted change that is not the version or an answer."""
    git(project, "add", "--all")
    names = git(project, "diff", "--cached", "--name-only", "--no-renames", "-z").split("\0")
    changes = []
    for name in filter(None, names):
        if name == ANSWERS_FILE:
            continue
        diff = git(project, "diff", "--cached", "--unified=0", "--no-color", "--", name)
        for line in diff.splitlines():
            is_change = line.startswith(("+", "-")) and not line.startswith(("+++ ", "--- "))
            if is_change and not any(ref in line for ref in refs):
                changes.append(f"{name}: {line}")
    return changes


def check_update(template_url: str, old: str, new: str, workdir: Path) -> list[str]:
    """Render `old` with defaults, update it to `new` with defaults, return the extra changes."""
    project = start_project(template_url, old, workdir / "untouched")
    update(project, new)
    return changes_beyond_the_version(project, (old, new))


def _export(ref: str, dest: Path) -> Path:
    """The template's files at `ref` (a tag or commit), as a git repository for make_tagged_clone."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=TEMPLATE_ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    git(dest, "init", "--quiet")
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("previous", help="the previous release: a tag or commit of this repository")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            source = _export(args.previous, work / "previous")
        except subprocess.CalledProcessError:
            print(f"error: {args.previous!r} is not a tag or commit of this repository.")
            return 2
        old, new = "v0.0.0", release_tag()
        repo = make_tagged_clone(work / "template", tag=old, source=source)
        git(repo, "rm", "--quiet", "-r", ".")
        copy_working_tree(repo)
        commit_and_tag(repo, new, "The working tree")
        try:
            changes = check_update(f"git+{repo.as_uri()}", old, new, work)
        except (CopierError, TemplateError, ValueError) as error:
            print(f"error: the template does not render: {error}".splitlines()[0])
            return 2
    for line in changes:
        print(line)
    print(
        f"{len(changes)} line(s) changed beyond the version from {args.previous} to the working tree."
    )
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
