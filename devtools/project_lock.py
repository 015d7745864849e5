"""Write the lock file a generated project starts with (template/…uv.lock.jinja).

A project copied from the template gets the versions this template release was tested with,
and its first `uv sync` installs them without resolving (resolving ~230 packages asks the
index about each one: seconds, and the budget of docs/budget.md). The lock is the default
project's, with what depends on the answers — the project's name, where its hook package
comes from — written back as template expressions. When those do not fit (another Python
version, a dependency the team added), uv re-locks on the next `uv sync`, as without it.

    uv run python -m devtools.project_lock            # re-lock, keeping locked versions
    uv run python -m devtools.project_lock --upgrade  # re-lock on the newest versions

Run it when the generated pyproject.toml's dependencies change: the end-to-end test fails
while the shipped lock is stale (`uv sync` has to change it).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from copier import run_copy

from devtools.template_clone import TEMPLATE_ROOT, make_tagged_clone

# Rendered only when copier knows the template's commit: the lock names it.
LOCK_TEMPLATE = (
    TEMPLATE_ROOT / "template" / "{% if _copier_conf.vcs_ref_hash %}uv.lock{% endif %}.jinja"
)
HEADER = "{%- from 'includes/release.jinja' import template_ref with context -%}\n"
SOURCE = "{{ template_repo_url }}?rev={{ template_ref() }}"
COMMIT = "{{ _copier_conf.vcs_ref_hash }}"


def render_default_project(scratch: Path) -> Path:
    clone = make_tagged_clone(scratch / "ml-playbook")
    project = scratch / "project"
    run_copy(f"git+{clone.as_uri()}", project, defaults=True, unsafe=False, quiet=True)
    return project


def lock(project: Path, upgrade: bool) -> str:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    # The library is this repository at the commit being tagged: always read it afresh (the
    # lock the project was rendered with names the new commit, but the old version's metadata).
    keep = ["--upgrade-package", "ml-playbook"]
    command = ["uv", "lock", "--quiet", *(["--upgrade"] if upgrade else keep)]
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"`uv lock` failed in the default project:\n{done.stderr.strip()}")
    return (project / "uv.lock").read_text()


def as_template(text: str, project: Path) -> str:
    """The lock with the answer-dependent strings as template expressions, the rest verbatim."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    source = pyproject["tool"]["uv"]["sources"]["ml-playbook"]
    commit = re.search(r"\?rev=[^#\"]+#([0-9a-f]{40})\"", text)
    if commit is None:
        sys.exit("the default project's uv.lock does not name the hook package's commit")
    expressions = {
        f"{source['git']}?rev={source['rev']}#{commit.group(1)}": f"{SOURCE}#{COMMIT}",
        f"{source['git']}?rev={source['rev']}": SOURCE,
        f'name = "{pyproject["project"]["name"]}"': 'name = "{{ project_slug }}"',
    }
    pattern = re.compile("|".join(re.escape(key) for key in sorted(expressions, key=len)[::-1]))
    parts, start = [], 0
    for match in pattern.finditer(text):
        parts += [verbatim(text[start : match.start()]), expressions[match.group()]]
        start = match.end()
    return HEADER + "".join([*parts, verbatim(text[start:])])


def verbatim(text: str) -> str:
    """`text` as Jinja prints it: raw where it holds anything Jinja would read."""
    if not any(mark in text for mark in ("{{", "{%", "{#")):
        return text
    if "endraw" in text:
        sys.exit("the lock holds `endraw`: it cannot be written as a template verbatim")
    return "{% raw %}" + text + "{% endraw %}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="re-lock on the newest versions")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        project = render_default_project(Path(folder))
        written = as_template(lock(project, args.upgrade), project)
    LOCK_TEMPLATE.write_text(written)
    print(
        f"wrote {LOCK_TEMPLATE.relative_to(TEMPLATE_ROOT)} ({written.count('[[package]]')} packages)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
