"""Keep the team's edits to the files a release removes, in a `copier update`.

Copier merges a project with a new release file by file. A file the release no longer
generates is deleted from the project — with the team's edits in it, if it had any. A release
that moves code out of the project (v1.0.0 moved the machinery into the ml-playbook library)
runs this script as two `_migrations` steps (copier runs migrations only with `--trust`):

    before: render the release the project came from and the one it goes to, with the project's
            answers; each file the new one no longer has that the team changed (its text differs
            from what the old release generated) is set aside in .git/;
    after:  the set-aside files go to ml-playbook-kept/ — never imported, never collected as
            tests — with a README listing each one and what replaces it, and naming the files
            the team added to folders the release emptied.

Files the team did not change are deleted by copier as usual; a file the team deleted stays
deleted. Nothing is lost, and the update leaves a project that installs and tests.
"""

import argparse
import filecmp
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath

import yaml

KEPT = Path("ml-playbook-kept")
ANSWERS = Path(".copier-answers.yml")

# What replaces each moved piece, by the first path prefix that matches ({package}: the
# project's package). Said once here, for the README of ml-playbook-kept/.
REPLACEMENTS = (
    ("src/{package}/evaluation/custom_metrics.py", "`METRICS` in src/{package}/extend.py"),
    ("src/{package}/models/training.py", "src/{package}/model.py (`build`, `ESTIMATORS`)"),
    ("src/{package}/models/registry.py", "ml_playbook.registry and ml_playbook.release.gate"),
    ("src/{package}/models/", "ml_playbook.modeling and ml_playbook.evaluation"),
    ("src/{package}/data/schema.py", "`data.rules` in params.yaml (ml_playbook.data.schema)"),
    ("src/{package}/data/sql_", "ml_playbook.sql (the dbt runner and its engines)"),
    ("src/{package}/data/", "ml_playbook.data"),
    ("src/{package}/evaluation/", "ml_playbook.evaluation (`<package> eval …` is unchanged)"),
    ("src/{package}/serving/", "ml_playbook.serving (`<package> serve` is unchanged)"),
    ("src/{package}/release/", "ml_playbook.release (`<package> release …` is unchanged)"),
    (
        "src/{package}/monitoring/",
        "ml_playbook.monitoring; a rule of your own: `MONITOR_CHECKS` in src/{package}/extend.py",
    ),
    ("src/{package}/readiness/", "ml_playbook.readiness (`<package> readiness` is unchanged)"),
    ("src/{package}/governance/", "ml_playbook.governance"),
    ("src/{package}/paths.py", "ml_playbook.project.paths"),
    ("src/{package}/errors.py", "ml_playbook.errors (ProjectError)"),
    ("src/{package}/pipeline.py", "src/{package}/stages/__init__.py (`STAGES`)"),
    ("tests/fixtures/serving_examples.csv", "`release.verify_examples` (the golden set)"),
    ("tests/", "the library's own tests; the project tests its code (tests/)"),
)


def _answers(project: Path) -> dict:
    data = yaml.safe_load((project / ANSWERS).read_text(encoding="utf-8")) or {}
    return {key: value for key, value in data.items() if not key.startswith("_")}


def _render(template: str, ref: str, answers: dict, folder: Path) -> Path:
    from copier import run_copy

    run_copy(template, folder, data=answers, vcs_ref=ref, defaults=True, quiet=True, unsafe=True)
    return folder


def _files(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def _parking(project: Path) -> Path:
    git_dir = subprocess.run(
        ["git", "rev-parse", "--absolute-git-dir"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return Path(git_dir) / "ml-playbook-kept"


def before(project: Path, template: str, old: str, new: str, excepted: set[str]) -> None:
    """Set aside each file the new release removes that the team changed; note the folders
    the release empties."""
    parking = _parking(project)
    shutil.rmtree(parking, ignore_errors=True)
    answers = _answers(project)
    with tempfile.TemporaryDirectory() as scratch:
        old_render = _render(template, old, answers, Path(scratch) / "old")
        new_render = _render(template, new, answers, Path(scratch) / "new")
        removed = sorted(_files(old_render) - _files(new_render) - excepted)
        changed = [
            name
            for name in removed
            if (project / name).is_file()
            and not filecmp.cmp(project / name, old_render / name, shallow=False)
        ]
        emptied = {
            str(PurePosixPath(name).parent)
            for name in removed
            if not (new_render / PurePosixPath(name).parent).is_dir()
        }
    for name in changed:
        target = parking / "files" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(project / name, target)
    parking.mkdir(parents=True, exist_ok=True)
    (parking / "emptied").write_text("\n".join(sorted(emptied)) + "\n", encoding="utf-8")
    (parking / "removed").write_text("\n".join(removed) + "\n", encoding="utf-8")
    (parking / "package").write_text(str(answers.get("package_name", "")), encoding="utf-8")


def replacement(name: str, package: str) -> str:
    for prefix, replaced_by in REPLACEMENTS:
        if name.startswith(prefix.format(package=package)):
            return replaced_by.format(package=package).replace("<package>", package)
    return "nothing: the release dropped it"


def removed_modules(removed: list[str], package: str) -> set[str]:
    """The dotted names of the package's modules and packages among `removed` files."""
    names = set()
    for name in removed:
        path = PurePosixPath(name)
        if path.suffix != ".py" or path.parts[:2] != ("src", package):
            continue
        parts = list(path.with_suffix("").parts[1:])
        if parts[-1] == "__init__":
            parts.pop()
        names.add(".".join(parts))
    return names


def importers(project: Path, modules: set[str]) -> list[str]:
    """The project's Python files (outside .venv, .git and ml-playbook-kept/) that import one
    of `modules`: they would fail at import once the release removed it."""
    if not modules:
        return []
    wanted = re.compile(
        r"^\s*(?:from|import)\s+(?:"
        + "|".join(re.escape(m) for m in sorted(modules, key=len, reverse=True))
        + r")(?:\s|\.|$)",
        re.MULTILINE,
    )
    skipped = {".venv", ".git", str(KEPT), "__pycache__"}
    found = []
    for path in sorted(project.rglob("*.py")):
        relative = path.relative_to(project)
        if skipped & set(relative.parts) or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if wanted.search(text):
            found.append(relative.as_posix())
    return found


def after(project: Path) -> list[str]:
    """Move the set-aside files to ml-playbook-kept/ with a README; return what it lists."""
    parking = _parking(project)
    if not parking.is_dir():
        return []
    package = (parking / "package").read_text(encoding="utf-8").strip()
    kept = (
        sorted(
            p.relative_to(parking / "files").as_posix()
            for p in (parking / "files").rglob("*")
            if p.is_file()
        )
        if (parking / "files").is_dir()
        else []
    )
    left = sorted(
        path.relative_to(project).as_posix()
        for folder in (parking / "emptied").read_text(encoding="utf-8").split()
        if (project / folder).is_dir()
        for path in (project / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    for name in kept:
        target = project / KEPT / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(parking / "files" / name, target)
    removed = (parking / "removed").read_text(encoding="utf-8").split()
    importing = [
        name for name in importers(project, removed_modules(removed, package)) if name not in left
    ]
    shutil.rmtree(parking, ignore_errors=True)
    if not kept and not left and not importing:
        return []
    lines = [
        "# What ml-playbook v1.0.0 left for you to look at",
        "",
        "The release moved the machinery (serving, release, monitoring, evaluation, the SQL",
        "runner, the registry) into the ml-playbook library, and removed the files of it that",
        "you had not changed. Carry each change below over to what replaces it (docs/process.md",
        "says how: a metric, a slice or a monitor rule in `extend.py`, a model in `model.py`, a",
        "value rule in `params.yaml`; a fix to the machinery itself goes to the template's",
        "library), then delete this folder.",
    ]
    if kept:
        lines += [
            "",
            "Files you had changed, kept here untouched and unused:",
            "",
            "| your file | replaced by |",
            "|---|---|",
            *(f"| `{name}` | {replacement(name, package)} |" for name in kept),
        ]
    if left:
        lines += [
            "",
            "Files you added to folders the release emptied (left where they are; they may",
            "import modules that are gone):",
            "",
            *(f"- `{name}`" for name in left),
        ]
    if importing:
        lines += [
            "",
            "Files that import modules the release removed (they fail at import until they use",
            "what replaced them — the table above, or the library's module of the same name):",
            "",
            *(f"- `{name}`" for name in importing),
        ]
    (project / KEPT).mkdir(exist_ok=True)
    (project / KEPT / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [*kept, *left, *importing]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=["before", "after"], help="copier's migration stage")
    parser.add_argument("--template", help="the template's location (copier's src_path)")
    parser.add_argument("--old", help="the release the project comes from (a git ref)")
    parser.add_argument("--new", help="the release it goes to (a git ref)")
    parser.add_argument(
        "--except",
        dest="excepted",
        action="append",
        default=[],
        help="a removed path another migration moves",
    )
    args = parser.parse_args(argv)
    project = Path.cwd()
    try:
        if args.stage == "before":
            if not (args.template and args.old and args.new):
                parser.error("before needs --template, --old and --new")
            # copier renders a `before` migration without the answers: the package comes
            # from the answers file.
            package = str(_answers(project).get("package_name", ""))
            excepted = {name.replace("{package_name}", package) for name in args.excepted}
            before(project, args.template, args.old, args.new, excepted)
        else:
            listed = after(project)
            if listed:
                print(
                    f"ml-playbook: {len(listed)} file(s) you changed or added where the release "
                    f"removed machinery are listed in {KEPT}/README.md",
                    file=sys.stderr,
                )
    except (OSError, subprocess.CalledProcessError, yaml.YAMLError) as error:
        print(f"error: the v1.0.0 migration could not keep your files: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
