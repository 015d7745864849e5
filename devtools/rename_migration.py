"""Move a generated file to its new name in a `copier update`, keeping the project's edits.

Copier merges a project with a new template release file by file, by path. When a release
renames a file, the project's copy (with the team's edits) and the release's copy are, to
copier, two unrelated files: the old one is deleted with the edits in it, and the new one
arrives as the template wrote it. So a release that renames a file runs this script as two
`_migrations` steps (copier runs migration commands only with `--trust`):

    _migrations:
      - version: v1.3.0
        when: "{{ _stage in ['before', 'after'] }}"   # copier's default is 'after' only
        command: >-
          "{{ _copier_python }}" "{{ _copier_conf.src_path }}/devtools/rename_migration.py"
          {{ _stage }} notebooks/README.md notebooks/GUIDE.md

before: the project's copy of OLD is set aside in .git/ (or a note that the team deleted it);
after:  the set-aside copy replaces NEW, and NEW is removed if the team had deleted OLD.
A rename release must not also change the file's text, so the team's copy is the whole answer.

A path may name the project's package as `{package_name}`: copier renders a `before` migration
without the project's answers, so the script reads it from `.copier-answers.yml`.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ANSWERS = ".copier-answers.yml"


def _parking_root(project: Path) -> Path:
    """A folder inside .git/: never committed, never seen by copier's merge."""
    git_dir = subprocess.run(
        ["git", "rev-parse", "--absolute-git-dir"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return Path(git_dir) / "ml-playbook-renames"


def _parking_place(project: Path, new: str) -> Path:
    return _parking_root(project) / new


def before(project: Path, old: str, new: str) -> None:
    parked = _parking_place(project, new)
    parked.parent.mkdir(parents=True, exist_ok=True)
    source = project / old
    if source.is_file():
        shutil.copy2(source, parked)
        parked.with_name(parked.name + ".deleted").unlink(missing_ok=True)
    else:
        parked.with_name(parked.name + ".deleted").touch()


def after(project: Path, old: str, new: str) -> None:
    parked = _parking_place(project, new)
    deleted = parked.with_name(parked.name + ".deleted")
    target = project / new
    if parked.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(parked, target)
        (project / old).unlink(missing_ok=True)
    elif deleted.exists():
        deleted.unlink()
        target.unlink(missing_ok=True)
    shutil.rmtree(_parking_root(project), ignore_errors=True)


def package_name(project: Path) -> str:
    """The project's package, from its answers file (a line `package_name: x`)."""
    import yaml

    answers = yaml.safe_load((project / ANSWERS).read_text(encoding="utf-8")) or {}
    return str(answers.get("package_name", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=["before", "after"], help="copier's migration stage")
    parser.add_argument("old", help="the file's path before the release, relative to the project")
    parser.add_argument("new", help="its path after the release")
    args = parser.parse_args(argv)
    project = Path.cwd()
    if "{package_name}" in args.old + args.new:
        package = package_name(project)
        args.old, args.new = (
            name.replace("{package_name}", package) for name in (args.old, args.new)
        )
    for name in (args.old, args.new):
        if Path(name).is_absolute() or ".." in Path(name).parts:
            print(f"error: {name!r} must be a path inside the project (relative, no '..').")
            return 2
    try:
        (before if args.stage == "before" else after)(project, args.old, args.new)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"error: could not move {args.old} to {args.new}: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
