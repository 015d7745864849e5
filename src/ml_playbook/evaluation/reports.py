"""HTML reports a person opens in a browser: one page per `eval` command, with its tables and
figures, and one index page linking them (and the evaluation stage's figure).

Plain HTML from the standard library: every value is escaped, tables come from pandas (which
escapes them too), figures are PNG files beside the page.
"""

from datetime import UTC, datetime
from html import escape, unescape
from pathlib import Path

from ..project.paths import ANALYSIS_REPORTS, EVALUATION_REPORT

INDEX = ANALYSIS_REPORTS / "index.html"
STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}"
    "table{border-collapse:collapse;margin:1rem 0}td,th{padding:.2rem .6rem;"
    "border-bottom:1px solid #ddd;text-align:right}th{background:#f4f4f4}"
    ".warning{color:#a40}img{max-width:100%}"
)


def heading(text: str) -> str:
    return f"<h2>{escape(text)}</h2>"


def paragraph(text: str, warning: bool = False) -> str:
    return f"<p{' class=warning' if warning else ''}>{escape(text)}</p>"


def table(frame, float_format: str = "{:.4f}") -> str:
    return frame.to_html(
        index=False, border=0, na_rep="", float_format=float_format.format, escape=True
    )


def image(name: str, caption: str) -> str:
    return f'<img src="{escape(name)}" alt="{escape(caption)}">'


def write_page(root: Path, kind: str, title: str, parts: list[str]) -> Path:
    """reports/analysis/<kind>/index.html; then the index page, refreshed."""
    folder = root / ANALYSIS_REPORTS / kind
    folder.mkdir(parents=True, exist_ok=True)
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(parts)
    page = (
        f"<!doctype html><html><head><meta charset=utf-8><title>{escape(title)}</title>"
        f"<style>{STYLE}</style></head><body><p><a href=../index.html>all reports</a></p>"
        f"<h1>{escape(title)}</h1><p>made {made}</p>\n{body}\n</body></html>\n"
    )
    path = folder / "index.html"
    path.write_text(page, encoding="utf-8")
    write_index(root)
    return path


def write_figure(folder: Path, name: str, figure) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    figure.savefig(folder / name, dpi=80)
    return name


def page_title(path: Path) -> str:
    """The <title> of a page this module wrote (found by plain search: no regex, no parser)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    start = text.find("<title>")
    end = text.find("</title>", start)
    return text[start + len("<title>") : end] if 0 <= start < end else path.parent.name


def write_index(root: Path) -> Path:
    """reports/analysis/index.html: every report page there, and the evaluation stage's figures."""
    folder = root / ANALYSIS_REPORTS
    folder.mkdir(parents=True, exist_ok=True)
    links = [
        # Titles re-escaped: a page someone else put in the folder is data, not markup.
        f'<li><a href="{escape(page.parent.name)}/index.html">'
        f"{escape(unescape(page_title(page)))}</a></li>"
        for page in sorted(folder.glob("*/index.html"))
        if page.is_file()
    ]
    stage_figures = sorted(p for p in (root / EVALUATION_REPORT).glob("*.png") if p.is_file())
    links += [
        f'<li><a href="../../{escape(figure.relative_to(root).as_posix())}">'
        f"evaluation stage: {escape(figure.name)}</a></li>"
        for figure in stage_figures
    ]
    listed = "\n".join(links) or "<li>no reports yet: run an `eval` command</li>"
    page = (
        f"<!doctype html><html><head><meta charset=utf-8><title>Reports</title>"
        f"<style>{STYLE}</style></head><body><h1>Reports</h1><ul>\n{listed}\n</ul></body></html>\n"
    )
    path = root / INDEX
    path.write_text(page, encoding="utf-8")
    return path
