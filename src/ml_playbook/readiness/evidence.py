"""What proves each rubric item, found in the repository — never a hand-typed claim. Which of
these an item accepts is its `kind` (rubric.py).

- Tests marked `@pytest.mark.readiness("<item>", …)` (on a test, a class or a module's
  `pytestmark`), found by reading the test files (nothing is run); automated only if the
  project's CI runs the test suite.
- What the project produces: the monitor's summary of a run on served traffic
  (`<monitor.report_dir>/summary.json`: its time and its checks), reports/metrics.json's
  comparison with a baseline; automated when a CI job produces it (scheduled, for the monitor).
- Facts of the repository: a scheduled CI job proposing updates, CODEOWNERS rules.
- Manual: a dated write-up listed in `docs/readiness/records.yml` (item, by, date, result,
  link to the write-up in the repository), accepted only while younger than the configured age.

Every file is read as the hooks read them: regular files only (a FIFO or a folder named like a
test is passed over), bounded in size, UTF-8 text.
"""

import ast
import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from ..errors import ProjectError
from ..files import NotRegular, Skip, read_text
from ..governance import safe_yaml
from ..project.paths import METRICS, PARAMS
from ..project.paths import READINESS_RECORDS as RECORDS
from .rubric import BY_ID

MARKER = "readiness"
CI_FILES = (".gitlab-ci.yml", ".github/workflows")
RUNS_TESTS = re.compile(r"\b(make test|uv run pytest|pytest)\b")
PROPOSES_UPDATES = re.compile(r"\bcopier (update|check-update)\b")
RUNS_MONITOR = re.compile(r"\bmake monitor\b|\buv run [\w.-]+ monitor\b")
RUNS_PIPELINE = re.compile(r"\bmake pipeline\b|\bdvc repro\b")
SCHEDULED = re.compile(r"\bschedule\b")
SUMMARY = "summary.json"  # what the monitor writes beside its report (monitoring.run)
CODEOWNERS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
MAX_BYTES = 4 * 1024 * 1024  # a test module, a CI file or the records: pages of text
ITEMS_HINT = "data-1 … monitoring-7; the `readiness --list` command lists them"


@dataclass(frozen=True)
class ManualRecord:
    item: str
    by: str
    date: dt.date
    result: str
    link: str


def text_of(path: Path, relative: str) -> str | None:
    """The text of a regular file; None for anything else or a binary file. A file that
    cannot be read as UTF-8 text, or is too large, is a ProjectError naming it."""
    try:
        return read_text(str(path), MAX_BYTES)
    except NotRegular:
        return None
    except Skip as unreadable:
        raise ProjectError(f"{relative}: {str(unreadable).split(': ', 1)[-1]}") from None


def marked_tests(root: Path) -> dict[str, list[str]]:
    """item -> ["tests/test_x.py::test_name", …] for every readiness marker in tests/."""
    found: dict[str, list[str]] = defaultdict(list)
    problems = []
    for path in sorted((root / "tests").rglob("test_*.py")):
        relative = path.relative_to(root).as_posix()
        try:
            text = text_of(path, relative)
            if text is None:
                continue
            tree = ast.parse(text)
        except ProjectError as error:
            problems.extend(error.problems)
            continue
        except (SyntaxError, ValueError) as error:
            problems.append(f"{relative}: cannot be read for readiness markers ({error})")
            continue
        for where, call in _marker_calls(tree):
            for argument in call.args:
                item = argument.value if isinstance(argument, ast.Constant) else None
                if item not in BY_ID:
                    problems.append(
                        f"{relative}:{call.lineno}: readiness marker names {item!r}, not a "
                        f"rubric item ({ITEMS_HINT})"
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
            files.extend(sorted(path.glob("*.y*ml")))
        else:
            files.append(path)
    texts = {}
    for path in files:
        relative = path.relative_to(root).as_posix()
        text = text_of(path, relative) if path.exists() else None
        if text is not None:
            texts[relative] = text
    return texts


def ci_running_tests(root: Path) -> str | None:
    """The CI file that runs the test suite, or None: marked tests count in full only then."""
    return next((name for name, text in ci_texts(root).items() if RUNS_TESTS.search(text)), None)


def ci_proposing_updates(root: Path) -> str | None:
    """The CI file with a scheduled job that proposes template updates, or None."""
    return _ci_file(root, PROPOSES_UPDATES, scheduled=True)


def ci_scheduling_monitor(root: Path) -> str | None:
    """The CI file with a scheduled job that runs the monitor, or None."""
    return _ci_file(root, RUNS_MONITOR, scheduled=True)


def ci_running_pipeline(root: Path) -> str | None:
    """The CI file that runs the pipeline (`make pipeline`, `dvc repro`), or None."""
    return _ci_file(root, RUNS_PIPELINE)


def _ci_file(root: Path, runs: re.Pattern, scheduled: bool = False) -> str | None:
    for name, text in ci_texts(root).items():
        if runs.search(text) and (not scheduled or SCHEDULED.search(text)):
            return name
    return None


@dataclass(frozen=True)
class MonitorSummary:
    """The monitor's last run as its summary.json keeps it: where, when, and its checks."""

    path: str
    at: dt.datetime
    checks: list[dict]

    def judged(self, rule: str) -> list[dict]:
        """The checks of `rule` that were judged on served traffic: ok or fired, never
        not_judged (too few served rows, nothing logged for it); in a summary written before
        checks had a status, those with a figure."""
        return [
            check
            for check in self.checks
            if check.get("rule") == rule
            and (
                check["status"] in ("ok", "fired")
                if "status" in check
                else isinstance(check.get("value"), int | float)
            )
        ]


def monitor_summary(root: Path, folder: Path) -> MonitorSummary | None:
    """The summary.json of the monitor's report folder, or None when the monitor never wrote
    one there; a summary that is not the monitor's is a ProjectError naming it."""
    relative = (Path(folder) / SUMMARY).as_posix()
    path = root / relative
    if not path.exists():
        return None
    text = text_of(path, relative)
    if text is None:
        return None
    try:
        document = json.loads(text)
        at = dt.datetime.fromisoformat(document["at"])
        checks = document["checks"]
        if not isinstance(checks, list) or not all(isinstance(c, dict) for c in checks):
            raise TypeError("checks is not a list of checks")
    except (ValueError, KeyError, TypeError) as error:
        raise ProjectError(
            f"{relative}: not a monitor summary ({type(error).__name__}: {error}); run "
            "`make monitor` again, or remove the file"
        ) from None
    return MonitorSummary(relative, at if at.tzinfo else at.replace(tzinfo=dt.UTC), checks)


def baseline_comparison(root: Path, metric: str | None = None) -> str | None:
    """How reports/metrics.json compares the model with its baseline (a simpler model scored
    on the same test sets: its `baseline` section), as one line; None when it does not."""
    path = root / METRICS
    if not path.exists():
        return None
    text = text_of(path, METRICS.as_posix())
    try:
        document = json.loads(text) if text is not None else None
    except ValueError as error:
        raise ProjectError(f"{METRICS}: not JSON ({error}); run `dvc repro evaluate`") from None
    if not isinstance(document, dict):
        return None
    baseline, sets = document.get("baseline"), document.get("sets")
    if not (isinstance(baseline, dict) and isinstance(sets, dict)):
        return None
    compared = baseline.get("sets")
    for name, values in compared.items() if isinstance(compared, dict) else ():
        model = sets.get(name)
        if not (isinstance(values, dict) and isinstance(model, dict)):
            continue
        common = [
            key
            for key, value in values.items()
            if key != "rows"
            and isinstance(value, int | float)
            and isinstance(model.get(key), int | float)
        ]
        if not common:
            continue
        key = metric if metric in common else common[0]
        what = baseline.get("model")
        return (
            f"{METRICS} compares the model with a baseline"
            f"{f' ({what})' if isinstance(what, str) and what else ''}: {name} {key} "
            f"{model[key]:.4g} against {values[key]:.4g}"
        )
    return None


def codeowners_of(root: Path, target: str = PARAMS.as_posix()) -> tuple[str, list[str]] | None:
    """(the CODEOWNERS file, the owners of `target`) by its last matching rule, as GitHub and
    GitLab read it; None when no CODEOWNERS file names an owner for it."""
    for name in CODEOWNERS:
        path = root / name
        text = text_of(path, name) if path.exists() else None
        if text is None:
            continue
        owners: list[str] = []
        for line in text.splitlines():
            fields = line.split("#", 1)[0].split()
            if not fields or fields[0].startswith(("[", "^[")):  # GitLab section headers
                continue
            if _owns(fields[0], target):
                owners = [owner for owner in fields[1:] if "@" in owner]
        return (name, owners) if owners else None  # only the first file found is read
    return None


def _owns(pattern: str, target: str) -> bool:
    """Whether a CODEOWNERS pattern (gitignore-like) covers the file `target`."""
    anchored, folder = pattern.startswith("/"), pattern.endswith("/")
    bare = pattern.strip("/")
    if not bare:
        return False
    if folder:
        return target.startswith(f"{bare}/") or (not anchored and f"/{bare}/" in f"/{target}")
    if anchored or "/" in bare:
        return fnmatchcase(target, bare) or target.startswith(f"{bare}/")
    return any(fnmatchcase(part, bare) for part in target.split("/"))


def manual_records(root: Path) -> list[ManualRecord]:
    """The dated write-ups of docs/readiness/records.yml; each problem one line."""
    path = root / RECORDS
    if not path.exists():
        return []
    text = text_of(path, RECORDS.as_posix())
    if text is None:
        raise ProjectError(f"{RECORDS}: not a regular text file; write the records as YAML")
    try:
        entries = safe_yaml.load(text) or []
    except safe_yaml.Refused as error:
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
        raise ValueError(f"{entry['item']!r} is not a rubric item ({ITEMS_HINT})")
    when = entry["date"]
    if not isinstance(when, dt.date):
        try:
            when = dt.date.fromisoformat(str(when))
        except ValueError:
            raise ValueError(f"date {when!r} is not a date (YYYY-MM-DD)") from None
    link = str(entry["link"])
    inside = not PurePosixPath(link).is_absolute() and ".." not in PurePosixPath(link).parts
    if not (inside and (root / link).is_file()):
        raise ValueError(f"link {link!r} is not a file in the repository (a path from its root)")
    return ManualRecord(str(entry["item"]), str(entry["by"]), when, str(entry["result"]), link)
