"""The readiness score for people (a table, an HTML page) and for machines (JSON)."""

import html
import json
from pathlib import Path

from .score import Score

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ML Test Score</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}}
.p0{{background:#fde2e2}}.p05{{background:#fff4d6}}.p1{{background:#e2f5e2}}</style></head><body>
<h1>ML Test Score: {final:g}</h1>
<p>{band}. The final score is the lowest section sum (Breck et al., 2017).</p>
<table><tr><th>section</th><th>sum</th></tr>{sections}</table>
<h2>Items</h2>
<table><tr><th>item</th><th>test</th><th>points</th><th>evidence</th><th>how to raise it</th></tr>{items}</table>
</body></html>
"""


def lines_for_terminal(score: Score) -> list[str]:
    rows = [f"{'item':<17} {'points':>6}  evidence"]
    for line in score.lines:
        shown = "; ".join(line.evidence) if line.evidence else f"none — {line.how}"
        rows.append(f"{line.item:<17} {line.points:>6g}  {line.title}: {shown}")
    rows.append("")
    rows.extend(f"{section:<17} {total:>6g}" for section, total in score.sections.items())
    rows.append(f"{'final score':<17} {score.final:>6g}  ({score.band})")
    return rows


def write(score: Score, json_path: Path, html_path: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(score.as_dict(), indent=2, default=str) + "\n")
    sections = "".join(
        f"<tr><td>{html.escape(s)}</td><td>{t:g}</td></tr>" for s, t in score.sections.items()
    )
    items = "".join(
        f'<tr class="p{str(line.points).replace(".", "").rstrip("0") or "0"}">'
        f"<td>{html.escape(line.item)}</td><td>{html.escape(line.title)}</td>"
        f"<td>{line.points:g}</td><td>{'<br>'.join(html.escape(e) for e in line.evidence)}</td>"
        f"<td>{html.escape(line.how)}</td></tr>"
        for line in score.lines
    )
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(
        PAGE.format(final=score.final, band=html.escape(score.band), sections=sections, items=items)
    )
