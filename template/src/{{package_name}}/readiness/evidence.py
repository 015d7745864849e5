"""What proves each rubric item, found in the repository — never a hand-typed claim.

- Automated: tests marked `@pytest.mark.readiness("<item>", …)` (on a test, a class or a
  module's `pytestmark`), found by reading the test files (nothing is run), counting only if
  the project's CI runs the test suite; and a few facts of the CI configuration itself.
- Manual: a dated write-up listed in `docs/readiness/records.yml` (item, by, date, result,
  link to the write-up in the repository), accepted only while younger than the configured age.
"""

import ast
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ml_playbook import safe_yaml

from ..errors import ProjectError
from ..paths import READINESS_RECORDS as RECORDS
from .rubric import BY_ID

MARKER = "readiness"
CI_FILES = (".gitlab-ci.yml", ".github/workflows")
RUNS_TESTS = re.compile(r"\b(make test|uv run pytest|pytest)\b")
PROPOSES_UPDATES = re.compile(r"\bcopier (update|check-update)\b")


@dataclass(frozen=True)
class ManualRecord:
    item: str
    by: str
    date: dt.date
    result: str
    link: str


def marked_tests(root: Path) -> dict[str, list[str]]:
    """item -> ["tests/test_x.py::test_name", …] for every readiness marker in tests/."""
    found: dict[str, list[str]] = defaultdict(list)
    problems = []
    for path in sorted((root / "tests").rglob("test_*.py")):
        relative = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError) as error:
            problems.append(f"{relative}: cannot be read for readiness markers ({error})")
            continue
        for where, call in _marker_calls(tree):
            for argument in call.args:
                item = argument.value if isinstance(argument, ast.Constant) else None
                if item not in BY_ID:
                    problems.append(
                        f"{relative}:{call.lineno}: readiness marker names {item!r}, not a rubric "
                        f"item (data-1 … monitoring-7; `uv run <package> readiness --list`)"
                    )
                else:
                    found[item].append(f"{relative}::{where}")
    if problems:
        raise ProjectError(*problems)
    return dict(found)


def _marker_calls(tree: ast.Module):
    """(test or class name, or "module") and the `pytest.mark.readiness(...)` call."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            values = (
                node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            )
            yield from (("module", v) for v in values if _is_marker(v))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield from ((node.name, d) for d in node.decorator_list if _is_marker(d))
            if isinstance(node, ast.ClassDef):
                for member in node.body:
                    if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                        name = f"{node.name}::{member.name}"
                        yield from ((name, d) for d in member.decorator_list if _is_marker(d))


def _is_marker(node: ast.AST) -> bool:
    """`pytest.mark.readiness(...)` or `mark.readiness(...)`."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == MARKER
        and isinstance(node.func.value, ast.Attribute | ast.Name)
        and (getattr(node.func.value, "attr", None) or getattr(node.func.value, "id", None))
        == "mark"
    )


def ci_texts(root: Path) -> dict[str, str]:
    """Path -> text of each CI configuration file of the project."""
    files = []
    for name in CI_FILES:
        path = root / name
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.y*ml") if p.is_file()))
        elif path.is_file():
            files.append(path)
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in files}


def ci_running_tests(root: Path) -> str | None:
    """The CI file that runs the test suite, or None: marked tests count in full only then."""
    return next((name for name, text in ci_texts(root).items() if RUNS_TESTS.search(text)), None)


def ci_proposing_updates(root: Path) -> str | None:
    """The CI file with a scheduled job that proposes template updates, or None."""
    for name, text in ci_texts(root).items():
        if PROPOSES_UPDATES.search(text) and re.search(r"\bschedule\b", text):
            return name
    return None


def manual_records(root: Path) -> list[ManualRecord]:
    """The dated write-ups of docs/readiness/records.yml; each problem one line."""
    path = root / RECORDS
    if not path.is_file():
        return []
    try:
        entries = safe_yaml.load(path.read_text(encoding="utf-8")) or []
    except (safe_yaml.Refused, UnicodeDecodeError) as error:
        raise ProjectError(f"{RECORDS}: {error}") from None
    if not isinstance(entries, list):
        raise ProjectError(f"{RECORDS}: must be a list of records (item, by, date, result, link)")
    records, problems = [], []
    for number, entry in enumerate(entries, 1):
        try:
            records.append(_record(root, entry))
        except ValueError as error:
            problems.append(f"{RECORDS}: record {number}: {error}")
    if problems:
        raise ProjectError(*problems)
    return records


def _record(root: Path, entry: object) -> ManualRecord:
    fields = ("item", "by", "date", "result", "link")
    if not isinstance(entry, dict) or set(entry) != set(fields):
        raise ValueError(f"needs exactly the keys {', '.join(fields)}")
    if entry["item"] not in BY_ID:
        raise ValueError(f"{entry['item']!r} is not a rubric item (data-1 … monitoring-7)")
    when = entry["date"]
    if not isinstance(when, dt.date):
        try:
            when = dt.date.fromisoformat(str(when))
        except ValueError:
            raise ValueError(f"date {when!r} is not a date (YYYY-MM-DD)") from None
    link = str(entry["link"])
    if not (root / link).is_file():
        raise ValueError(f"link {link!r} is not a file in the repository")
    return ManualRecord(str(entry["item"]), str(entry["by"]), when, str(entry["result"]), link)
