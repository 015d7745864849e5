"""The readiness score for people (the terminal, an HTML page) and for machines (JSON). Each
item shows the paper's words for its test beside the evidence found, what would earn it when
it is not earned, and anything found that does not count for it, with why."""

import html
import json
from pathlib import Path

from .score import Line, Score

CITATION = "Breck et al., The ML Test Score, IEEE Big Data 2017"
INDENT = " " * 26

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ML Test Score</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}}
.p0{{background:#fde2e2}}.p05{{background:#fff4d6}}.p1{{background:#e2f5e2}}q{{font-style:italic}}</style></head><body>
<h1>ML Test Score: {final:g}</h1>
<p>{band}. The final score is the lowest section sum ({citation}).</p>
<table><tr><th>section</th><th>sum</th></tr>{sections}</table>
<h2>Items</h2>
<table><tr><th>item</th><th>the paper's test</th><th>points</th><th>evidence</th>
<th>not earned: what would earn it / for 1</th><th>found, not counted</th></tr>{items}</table>
</body></html>
"""


def gap(line: Line) -> str:
    """What the item lacks, as the report says it: at 0 `not earned: …`, at 0.5 `for 1: …`."""
    if line.points >= 1 or not line.to_earn:
        return ""
    return f"{'not earned' if line.points == 0 else 'for 1'}: {line.to_earn}"


def lines_for_terminal(score: Score) -> list[str]:
    rows = [f"{'item':<17} {'points':>6}  the paper's test ({CITATION}) and the evidence"]
    for line in score.lines:
        rows.append(f'{line.item:<17} {line.points:>6g}  "{line.quote}"')
        if line.evidence:
            rows.append(f"{INDENT}evidence: {'; '.join(line.evidence)}")
        if gap(line):
            rows.append(f"{INDENT}{gap(line)}")
        rows.extend(f"{INDENT}not counted: {found}" for found in line.not_counted)
    rows.append("")
    rows.extend(f"{section:<17} {total:>6g}" for section, total in score.sections.items())
    rows.append(f"{'final score':<17} {score.final:>6g}  ({score.band})")
    return rows


def write(score: Score, json_path: Path, html_path: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    document = {"source": CITATION, **score.as_dict()}
    json_path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    sections = "".join(
        f"<tr><td>{html.escape(s)}</td><td>{t:g}</td></tr>" for s, t in score.sections.items()
    )
    items = "".join(
        f'<tr class="p{str(line.points).replace(".", "").rstrip("0") or "0"}">'
        f"<td>{html.escape(line.item)}</td><td><q>{html.escape(line.quote)}</q></td>"
        f"<td>{line.points:g}</td><td>{'<br>'.join(html.escape(e) for e in line.evidence)}</td>"
        f"<td>{html.escape(gap(line))}</td>"
        f"<td>{'<br>'.join(html.escape(n) for n in line.not_counted)}</td></tr>"
        for line in score.lines
    )
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(
        PAGE.format(
            final=score.final,
            band=html.escape(score.band),
            citation=html.escape(CITATION),
            sections=sections,
            items=items,
        )
    )
