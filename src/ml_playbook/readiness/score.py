"""Points from evidence: 1 = automated and run repeatedly, 0.5 = done by hand with a written,
dated, linked result (or evidence no CI produces again), 0 = not done. Each item counts only
the evidence of its kind (rubric.py); each section sums its items; the final score is the
lowest section sum."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import evidence
from .rubric import ITEMS, SECTIONS, Item, band

MONITOR_DIR = Path("reports/monitoring")  # params.yaml monitor.report_dir, unless told
RECORDS = "listed in docs/readiness/records.yml"


@dataclass(frozen=True)
class Line:
    item: str
    section: str
    title: str
    quote: str  # the paper's words for the test
    points: float
    evidence: list[str] = field(default_factory=list)
    to_earn: str = ""  # at 0: what would earn the item; at 0.5: what would make it 1
    not_counted: list[str] = field(default_factory=list)  # found, but not evidence of it


@dataclass(frozen=True)
class Score:
    lines: list[Line]
    sections: dict[str, float]
    final: float
    band: str

    def as_dict(self) -> dict:
        return {
            "final": self.final,
            "band": self.band,
            "sections": self.sections,
            "items": [line.__dict__ for line in self.lines],
        }


class _Repository:
    """The evidence of one repository, each kind read once and only if an item needs it."""

    def __init__(self, root: Path, max_age_days: int, today: dt.date, monitor_dir: Path, metric):
        self.root, self.max_age_days, self.today = root, max_age_days, today
        self.monitor_dir, self.metric = monitor_dir, metric
        self.marked = evidence.marked_tests(root)
        self.ci = evidence.ci_running_tests(root)
        self.records = evidence.manual_records(root)
        self._summary: tuple = ()

    def fresh(self, when: dt.date) -> bool:
        return (self.today - when).days <= self.max_age_days

    def summary(self) -> evidence.MonitorSummary | None:
        if not self._summary:
            self._summary = (evidence.monitor_summary(self.root, self.monitor_dir),)
        return self._summary[0]


def compute(
    root: Path,
    max_manual_age_days: int,
    today: dt.date | None = None,
    *,
    monitor_dir: Path | str = MONITOR_DIR,
    primary_metric: str | None = None,
) -> Score:
    """The score of the repository at `root`. Dated evidence (write-ups, the monitor's
    summary) counts while at most `max_manual_age_days` old; `monitor_dir` is where the monitor
    writes (params.yaml monitor.report_dir); `primary_metric` is the one to show from the
    baseline comparison."""
    repository = _Repository(
        root, max_manual_age_days, today or dt.date.today(), Path(monitor_dir), primary_metric
    )
    lines = [_line(item, repository) for item in ITEMS]
    sections = {s: sum(line.points for line in lines if line.section == s) for s in SECTIONS}
    final = min(sections.values())
    return Score(lines, sections, final, band(final))


def _line(item: Item, repository: _Repository) -> Line:
    automated, not_counted = _automated(item, repository)
    found = automated
    for record in repository.records:
        if record.item != item.id:
            continue
        text = f"{record.link} ({record.by}, {record.date}: {record.result})"
        if not repository.fresh(record.date):
            not_counted.append(f"{text}: older than {repository.max_age_days} days")
        elif not found or found[0] < 0.5:
            found = (0.5, [text])
    tests = repository.marked.get(item.id, [])
    if tests and item.kind != "test":
        not_counted.append(f"{'; '.join(tests)}: marked {item.id}, but {item.not_a_test}")
    points, shown = found or (0.0, [])
    return Line(
        item.id,
        item.section,
        item.title,
        item.quote,
        points,
        shown,
        _to_earn(item, points, automated is not None),
        not_counted,
    )


def _automated(item: Item, repository: _Repository) -> tuple[tuple | None, list[str]]:
    """(points, evidence) of the item's own kind, or None; and what was found that does not
    count, with why."""
    root, kind = repository.root, item.kind
    if kind == "test" and item.id in repository.marked:
        ci = repository.ci
        run = [f"run by {ci}"] if ci else ["no CI runs the tests"]
        return (1.0 if ci else 0.5, [*repository.marked[item.id], *run]), []
    if kind == "updates" and (ci := evidence.ci_proposing_updates(root)):
        return (1.0, [ci]), []
    if kind == "codeowners" and (owned := evidence.codeowners_of(root)):
        name, owners = owned
        return (1.0, [f"{name}: params.yaml is reviewed by {' '.join(owners)}"]), []
    if kind == "baseline" and (compared := evidence.baseline_comparison(root, repository.metric)):
        ci = evidence.ci_running_pipeline(root)
        run = f"written by the pipeline, which {ci} runs" if ci else "no CI runs the pipeline"
        return (1.0 if ci else 0.5, [compared, run]), []
    if kind == "monitor":
        return _monitored(item, repository)
    return None, []


def _monitored(item: Item, repository: _Repository) -> tuple[tuple | None, list[str]]:
    summary = repository.summary()
    if summary is None:
        return None, []
    when = summary.at.date()
    if not repository.fresh(when):
        return None, [f"{summary.path} of {when}: older than {repository.max_age_days} days"]
    checks = summary.judged(item.rule)
    if not checks:
        return None, [f"{summary.path} of {when}: no `{item.rule}` check judged on served traffic"]
    first = checks[0]
    seen = (
        f"{summary.path} of {when}: {len(checks)} `{item.rule}` check(s) on served traffic, "
        f"e.g. {first.get('subject', '?')}: {first.get('detail', first.get('value'))}"
    )
    ci = evidence.ci_scheduling_monitor(repository.root)
    run = f"the monitor runs on schedule ({ci})" if ci else "no scheduled CI job runs the monitor"
    return (1.0 if ci else 0.5, [seen, run]), []


def _to_earn(item: Item, points: float, automated: bool) -> str:
    """At 0, what would earn the item; at 0.5, what would make it 1; at 1, nothing."""
    if points >= 1:
        return ""
    if points == 0:
        if item.kind == "test":
            return f"{item.earn}, marked {item.id} and run by CI"
        if item.kind == "record":
            return (
                f"{item.earn}, {RECORDS} (half a point: nothing in this project shows it "
                "automatically yet)"
            )
        return f"{item.earn}; or {item.by_hand or 'a dated write-up'}, {RECORDS} (half a point)"
    if item.kind == "record":
        return "nothing in this project can show it automatically yet: the write-up is the most"
    if not automated:  # a write-up: the item's own evidence would make it 1
        return item.earn
    return {
        "test": "a CI configuration that runs the test suite",
        "monitor": "a scheduled CI job that runs `make monitor`",
        "baseline": "a CI job that runs the pipeline (`make pipeline`)",
    }.get(item.kind, item.earn)
