"""Points from evidence: 1 = automated and run repeatedly, 0.5 = done by hand with a written,
dated, linked result (or tests that no CI runs), 0 = not done. Each section sums its items;
the final score is the lowest section sum."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import evidence
from .rubric import ITEMS, SECTIONS, band

# Items a fact of the CI configuration proves, rather than a marked test.
CI_FACTS = {"monitoring-1": evidence.ci_proposing_updates}


@dataclass(frozen=True)
class Line:
    item: str
    section: str
    title: str
    points: float
    evidence: list[str] = field(default_factory=list)
    how: str = ""


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


def compute(root: Path, max_manual_age_days: int, today: dt.date | None = None) -> Score:
    today = today or dt.date.today()
    marked = evidence.marked_tests(root)
    ci = evidence.ci_running_tests(root)
    fresh = {
        record.item: record
        for record in evidence.manual_records(root)
        if (today - record.date).days <= max_manual_age_days
    }
    lines = []
    for item in ITEMS:
        points, found = 0.0, []
        fact = CI_FACTS.get(item.id)
        proven_by_ci = fact(root) if fact else None
        if proven_by_ci:
            points, found = 1.0, [proven_by_ci]
        elif item.id in marked:
            points = 1.0 if ci else 0.5
            found = marked[item.id] + ([f"run by {ci}"] if ci else ["no CI runs the tests"])
        elif item.id in fresh:
            record = fresh[item.id]
            points = 0.5
            found = [f"{record.link} ({record.by}, {record.date}: {record.result})"]
        lines.append(Line(item.id, item.section, item.title, points, found, item.how))
    sections = {s: sum(line.points for line in lines if line.section == s) for s in SECTIONS}
    final = min(sections.values())
    return Score(lines, sections, final, band(final))
