"""A template repository with a release history, for testing `copier update` between releases.

The working tree becomes the base release (the version in pyproject.toml); each later release
is made by changing that tree the way real releases change templates, then committed and
tagged. The changes are written against landmarks that every version of the template keeps (a
Makefile, a README with a `# title` line, `repos:` in the pre-commit config, the end of
copier.yml), so they keep applying while the generated files themselves evolve.

    base      the working tree as it is
    patch     a new question whose default reproduces the previous output (the maintainers' rule)
    minor     a Makefile target, a README line, a pre-commit hook, a new file
    rename    a file renamed through `_migrations` (a migration runs a command: it needs --trust)
"""

import re
from dataclasses import dataclass
from pathlib import Path

from devtools.template_clone import TEMPLATE_ROOT, commit_and_tag, make_tagged_clone, release_tag

# What each synthetic release adds, so tests assert on the same text the release wrote.
MAKE_TARGET = "template-version"
MAKEFILE_ADDITION = f"""
{MAKE_TARGET}: ## Print the template release this project was generated or updated from
\t@grep '^_commit:' .copier-answers.yml
"""
_TITLE = re.compile(r"^# [^\n]*$", re.MULTILINE)  # the README's Markdown title line
README_LINE = "> Generated from ml-playbook: `make template-version` prints the template release."
PRE_COMMIT_HOOK_ID = "check-json"
PRE_COMMIT_ADDITION = f"""repos:
  - repo: local
    hooks:
      - id: {PRE_COMMIT_HOOK_ID}
        name: JSON is valid
        entry: uv run --no-sync check-json
        language: system
        types: [json]
"""
ADDED_FILE = ".editorconfig"
ADDED_FILE_TEXT = "root = true\n\n[*]\nend_of_line = lf\ninsert_final_newline = true\n"
NEW_QUESTION = "editorconfig"
NEW_FILE = "CONTRIBUTING.md"
NEW_FILE_TEXT = "# Contributing\n\nRun `make test` before you open a pull request.\n"
RENAMED = ("notebooks/README.md", "notebooks/GUIDE.md")


@dataclass(frozen=True)
class ReleaseHistory:
    """A template repository and its release tags, oldest first."""

    repo: Path
    base: str
    patch: str
    minor: str
    rename: str

    @property
    def url(self) -> str:
        """The repository as users copy it: a git URL (so `_commit` is a tag)."""
        return f"git+{self.repo.as_uri()}"


def _bump(tag: str, part: int) -> str:
    numbers = [int(n) for n in tag.removeprefix("v").split(".")[:3]]
    numbers[part] += 1
    numbers[part + 1 :] = [0] * (2 - part)
    return "v" + ".".join(map(str, numbers))


def _replace_once(path: Path, landmark: str, replacement: str) -> None:
    """Replace the first `landmark` in `path`; a missing landmark means the template moved on."""
    text = path.read_text()
    if landmark not in text:
        raise ValueError(
            f"{path.name} has no {landmark!r}: update devtools/release_history.py to the template"
        )
    path.write_text(text.replace(landmark, replacement, 1))


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text().rstrip("\n") + "\n" + text)


def add_question(repo: Path, default: bool = False) -> None:
    """A new yes/no question and the file it adds; default False leaves existing output unchanged."""
    _append(
        repo / "copier.yml",
        f"\n{NEW_QUESTION}:\n  type: bool\n  help: Add an {ADDED_FILE} (editor settings)\n"
        f"  default: {str(default).lower()}\n",
    )
    conditional = repo / "template" / f"{{% if {NEW_QUESTION} %}}{ADDED_FILE}{{% endif %}}"
    conditional.write_text(ADDED_FILE_TEXT)


def change_practices(repo: Path) -> None:
    """What a minor release does: a Makefile target, a README line, a pre-commit hook, a file."""
    template = repo / "template"
    _append(template / "Makefile.jinja", MAKEFILE_ADDITION)
    readme = template / "README.md.jinja"
    title = _TITLE.search(readme.read_text())
    if title is None:
        raise ValueError(
            "README.md.jinja has no '# title' line: update devtools/release_history.py"
        )
    text = readme.read_text()
    readme.write_text(f"{text[: title.end()]}\n\n{README_LINE}{text[title.end() :]}")
    _replace_once(template / ".pre-commit-config.yaml.jinja", "repos:\n", PRE_COMMIT_ADDITION)
    (template / NEW_FILE).write_text(NEW_FILE_TEXT)


def rename_file(repo: Path, release: str) -> None:
    """Rename a generated file, and move the project's copy with a migration before the update."""
    old, new = RENAMED
    template = repo / "template"
    if not (template / old).is_file():
        raise ValueError(f"template/{old} is gone: update RENAMED in devtools/release_history.py")
    (template / old).rename(template / new)
    migration = f"""  - version: {release}
    when: "{{{{ _stage in ['before', 'after'] }}}}"
    command: >-
      "{{{{ _copier_python }}}}" "{{{{ _copier_conf.src_path }}}}/devtools/rename_migration.py"
      {{{{ _stage }}}} {old} {new}
"""
    config = repo / "copier.yml"
    if "\n_migrations:\n" in config.read_text():  # the template has migrations: add to them
        _replace_once(config, "\n_migrations:\n", "\n_migrations:\n" + migration)
    else:
        _append(config, "\n_migrations:\n" + migration)


def build_release_history(
    dest: Path, source: Path = TEMPLATE_ROOT, render_only: bool = False
) -> ReleaseHistory:
    """Clone `source` into `dest` and tag four releases: base, patch, minor, rename.
    `render_only`: the clone holds only what copier reads (template_clone.RENDER_INPUTS)."""
    base = release_tag()
    history = ReleaseHistory(
        repo=dest,
        base=base,
        patch=_bump(base, 2),
        minor=_bump(base, 1),
        rename=_bump(_bump(base, 1), 1),
    )
    make_tagged_clone(dest, tag=history.base, source=source, render_only=render_only)
    add_question(dest)
    commit_and_tag(dest, history.patch, "Release: a new question (default keeps the output)")
    change_practices(dest)
    commit_and_tag(dest, history.minor, "Release: new practices")
    rename_file(dest, history.rename)
    commit_and_tag(dest, history.rename, "Release: a file renamed through a migration")
    return history
