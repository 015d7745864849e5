"""A generated project changed as a team would change it, then updated: for tests and benchmarks.

The team's changes are written against what every version of the generated project has (a
README, params.yaml with numbers, the package, provenance records in data/sources/), so
they keep applying while the template evolves.
"""

import hashlib
import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from copier import run_copy, run_update

from devtools.release_history import RENAMED

# The first `key: number` line of params.yaml (no nested quantifiers: linear time).
_NUMBER_LINE = re.compile(r"^(\s*[A-Za-z_][\w-]*:[ \t]*)(\d+)([ \t]*(#.*)?)$", re.MULTILINE)
# A line of the template's README prose that no release rewrites: the team appends below it.
TEAM_README_SECTION = "\n## Our team's notes\n\nWe retrain on the first Monday of each month.\n"
TEAM_DESCRIPTION = "Churn model of the retention team, rewritten by us."
TEAM_NOTEBOOK_NOTE = "\nOur team keeps notebooks for one quarter, then moves code to `src/`.\n"
DELETED_BY_TEAM = "sql/README.md"
# A dependency and a pre-commit hook of the team's own, in the files that hold the template pins.
TEAM_DEPENDENCY = '    "rich>=13",  # our reports\n'
TEAM_HOOK = """
  - repo: local
    hooks:
      - id: team-no-print
        name: no print() in the package
        entry: "print[(]"
        language: pygrep
        files: ^src/
"""


def git(project: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def commit_all(project: Path, message: str) -> None:
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--allow-empty", "--no-verify", "--message", message)


def start_project(template_url: str, tag: str, dest: Path, answers: dict | None = None) -> Path:
    """Render `tag` with defaults (and `answers`), and commit it as the project's first commit."""
    run_copy(template_url, dest, data=answers or {}, defaults=True, vcs_ref=tag, quiet=True)
    git(dest, "init", "--quiet", "--initial-branch=main")
    commit_all(dest, f"Start from the template at {tag}")
    return dest


@dataclass
class TeamEdits:
    """What the team wrote: whole files, lines inside generated files, deletions.

    An update must keep all of it: the files as written, the lines somewhere in their file
    (the template may change the lines around them), and the deleted files absent.
    """

    written: dict[str, str] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)

    def write(self, project: Path, name: str, text: str) -> None:
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.written[name] = text

    def insert(self, project: Path, name: str, position: int, text: str) -> None:
        path = project / name
        old = path.read_text()
        path.write_text(old[:position] + text + old[position:])
        self.lines[name] = text

    def delete(self, project: Path, name: str) -> None:
        if not (project / name).is_file():
            raise ValueError(f"{name} is not generated: update devtools/update_scenarios.py")
        (project / name).unlink()
        self.deleted.append(name)

    def lost(self, project: Path) -> list[str]:
        """The edits the project no longer holds, one line each."""
        lost = [
            f"{name}: the team's text is gone"
            for name, text in self.written.items()
            if not (project / name).is_file() or (project / name).read_text() != text
        ]
        lost += [
            f"{name}: the team's lines are gone"
            for name, text in self.lines.items()
            if not (project / name).is_file() or text not in (project / name).read_text()
        ]
        lost += [
            f"{name}: deleted by the team, back again"
            for name in self.deleted
            if (project / name).exists()
        ]
        return lost


def package_of(project: Path) -> str:
    return next(path.name for path in (project / "src").iterdir() if path.is_dir())


def team_edits(project: Path) -> TeamEdits:
    """Edit the project as a team does, where the template's releases do not write, and commit."""
    edits = TeamEdits()
    package = package_of(project)
    readme = (project / "README.md").read_text()
    edits.insert(project, "README.md", len(readme), TEAM_README_SECTION)
    edits.write(
        project,
        f"src/{package}/team_features.py",
        '"""Features the team added."""\n\n\n'
        "def tenure_bucket(months: int) -> str:\n"
        '    """Short (under a year), medium (under three) or long tenure."""\n'
        "    if months < 12:\n"
        '        return "short"\n'
        '    return "medium" if months < 36 else "long"\n',
    )
    edits.write(
        project,
        "tests/test_team_features.py",
        f"from {package}.team_features import tenure_bucket\n\n\n"
        "def test_tenure_buckets_split_at_one_and_three_years():\n"
        '    assert [tenure_bucket(m) for m in (3, 12, 40)] == ["short", "medium", "long"]\n',
    )
    params = (project / "params.yaml").read_text()
    match = _NUMBER_LINE.search(params)
    if match is None:
        raise ValueError("params.yaml has no `key: number` line for the team to change")
    changed = f"{match.group(1)}{int(match.group(2)) + 1}{match.group(3)}"
    (project / "params.yaml").write_text(params[: match.start()] + params[match.end() :])
    edits.insert(project, "params.yaml", match.start(), changed)
    _insert_after(edits, project, "pyproject.toml", "dependencies = [\n", TEAM_DEPENDENCY)
    config = (project / ".pre-commit-config.yaml").read_text()
    edits.insert(project, ".pre-commit-config.yaml", len(config), TEAM_HOOK)
    edits.write(project, "data/samples/team_survey.csv", "customer_id,score\nc-001,4\nc-002,5\n")
    edits.write(project, "data/sources/team_survey.yml", _provenance_record(project))
    edits.delete(project, DELETED_BY_TEAM)
    commit_all(project, "Team changes")
    return edits


def _insert_after(edits: TeamEdits, project: Path, name: str, landmark: str, text: str) -> None:
    position = (project / name).read_text().find(landmark)
    if position < 0:
        raise ValueError(f"{name} has no {landmark!r}: update devtools/update_scenarios.py")
    edits.insert(project, name, position + len(landmark), text)


def _provenance_record(project: Path) -> str:
    """A record for the team's sample, shaped like the template's own records (so it stays valid)."""
    template_record = sorted((project / "data" / "sources").glob("*.yml"))[0]
    record = yaml.safe_load(template_record.read_text())
    record.update(
        name="team_survey",
        description="Satisfaction scores the retention team collected; no personal data.",
        paths=["data/samples/team_survey.csv"],
    )
    record["lineage"] = {"produced_by": ["retention team survey"], "consumed_by": []}
    return yaml.safe_dump(record, sort_keys=False, allow_unicode=True)


def edit_description(project: Path) -> None:
    """Rewrite the README line under the title, which the minor release also changes."""
    readme = project / "README.md"
    lines = readme.read_text().split("\n")
    lines[2] = TEAM_DESCRIPTION
    readme.write_text("\n".join(lines))
    commit_all(project, "Our description")


def edit_renamed_file(project: Path) -> str:
    """Add a line to the file the rename release moves; return the project's new text."""
    path = project / RENAMED[0]
    text = path.read_text() + TEAM_NOTEBOOK_NOTE
    path.write_text(text)
    commit_all(project, "Our notebook rule")
    return text


def update(project: Path, tag: str, trust: bool = False) -> float:
    """`copier update --defaults` to `tag`; return the seconds it took."""
    started = time.perf_counter()
    run_update(project, defaults=True, overwrite=True, vcs_ref=tag, unsafe=trust, quiet=True)
    return time.perf_counter() - started


def pins(project: Path) -> dict[str, str]:
    """The template version as the project records it: answers, hook package, hooks."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    sources = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["uv"]["sources"]
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    hooks = [repo for repo in config["repos"] if repo["repo"] != "local"]
    return {
        "answers": answers["_commit"],
        "package": sources["ml-playbook"]["rev"],
        "hooks": hooks[0]["rev"],
    }


def changed_files(project: Path) -> list[str]:
    """Files the update changed, added or removed (uncommitted), by path."""
    out = git(project, "status", "--porcelain", "--untracked-files=all", "--no-renames")
    return sorted(line[3:] for line in out.splitlines())


# Stand-ins for the tools the CI proposal job (template/.github|.gitlab/template_update.py)
# calls, so its git logic runs against a local bare remote with nothing from the network. Shell
# scripts, so each call costs a millisecond, not a Python start:
# `uvx --from SPEC copier …` (copier itself, or a fake that moves `_commit` to $FAKE_NEWEST and
# writes the files of $FAKE_RELEASES/<version>/), `uv lock` (a lock that names the hash of
# pyproject.toml, refusing a file with conflict markers as uv does) and `gh` (records its calls
# in $FAKE_GH_CALLS, read them with gh_calls(); `pr list` answers $FAKE_GH_PRS).
_FAKE_COPIER = """shift 3
current=$(sed -n 's/^_commit: v\\{0,1\\}//p' .copier-answers.yml)
case "$1" in
  check-update)
    available=true
    [ "$current" = "$FAKE_NEWEST" ] && available=false
    printf '{"update_available": %s, "current_version": "%s", "latest_version": "%s"}\\n' \\
      "$available" "$current" "$FAKE_NEWEST" ;;
  update)
    [ -d "$FAKE_RELEASES/$FAKE_NEWEST" ] && cp -R "$FAKE_RELEASES/$FAKE_NEWEST/." .
    sed -i "s/^_commit: .*/_commit: v$FAKE_NEWEST/" .copier-answers.yml ;;
esac
"""
_FAKE_UV = """[ "$1" = lock ] || { echo "fake uv: only uv lock" >&2; exit 2; }
for name in pyproject.toml uv.lock; do
  if [ -f "$name" ] && grep -q '^<<<<<<< ' "$name"; then
    echo "error: Failed to parse \\`$name\\`" >&2; exit 2
  fi
done
echo "locked: $(sha256sum pyproject.toml | cut -d' ' -f1)" > uv.lock
"""
_FAKE_GH = """printf '%s\\037' "$@" >> "$FAKE_GH_CALLS"
printf '\\036' >> "$FAKE_GH_CALLS"
if [ "$1 $2" = "pr list" ]; then cat "$FAKE_GH_PRS" 2>/dev/null || echo "[]"; fi
if [ "$1 $2" = "pr create" ] && [ -n "$FAKE_GH_REFUSE" ]; then
  echo "pull request create failed: GraphQL: $FAKE_GH_REFUSE" >&2; exit 1
fi
exit 0
"""


def fake_lock(pyproject: str) -> str:
    """What the fake `uv lock` writes for this pyproject.toml text."""
    return f"locked: {hashlib.sha256(pyproject.encode()).hexdigest()}\n"


def gh_calls(record: Path) -> list[list[str]]:
    """The argument lists the fake `gh` was called with, in order."""
    if not record.exists():
        return []
    calls = record.read_text().split("\036")[:-1]
    return [call.split("\037")[:-1] for call in calls]


def copier_with_test_caches(bin_dir: Path) -> Path:
    """An executable `copier` in `bin_dir`: copier's command line in this Python, with the test
    process's caches (devtools/copier_with_test_caches.py), for write_fake_ci_tools."""
    script = Path(__file__).with_name("copier_with_test_caches.py")
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / "copier"
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}" "$@"\n')
    path.chmod(0o755)
    return path


def write_fake_ci_tools(bin_dir: Path, real_copier: Path | None = None) -> None:
    """`uvx` (the real copier at `real_copier`, or the fake), `uv` and `gh` in `bin_dir`."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    copier = f'shift 3\nexec "{real_copier}" "$@"\n' if real_copier else _FAKE_COPIER
    for name, body in {"uv": _FAKE_UV, "gh": _FAKE_GH, "uvx": copier}.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}")
        path.chmod(0o755)
