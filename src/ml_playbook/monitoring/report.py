"""The monitoring report for a person: how many rules are ok, fired and not judged, the rules
(tripped first, then those not judged with why), then plots of each feature and of the
predictions, served against the reference. One self-contained HTML file."""

import base64
import html
import io

import pandas as pd

from .checks import FIRED, NOT_JUDGED, OK, Check, summary_line


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=72)
    return base64.b64encode(buffer.getvalue()).decode()


def _distribution(name: str, reference: pd.Series, served: pd.Series, numeric: bool) -> str:
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    figure = Figure(figsize=(4, 2.6))
    axis = figure.subplots()
    if numeric:
        both = pd.concat([reference, served]).dropna()
        bins = 20 if both.nunique() > 20 else max(both.nunique(), 1)
        axis.hist(reference.dropna(), bins=bins, density=True, alpha=0.5, label="reference")
        axis.hist(served.dropna(), bins=bins, density=True, alpha=0.5, label="served")
    else:
        shares = pd.DataFrame(
            {
                "reference": reference.value_counts(normalize=True),
                "served": served.value_counts(normalize=True),
            }
        ).fillna(0)
        shares.plot.bar(ax=axis, alpha=0.7)
    axis.set_title(name, fontsize=9)
    axis.legend(fontsize=7)
    return _png(figure)


# The status column's words, and the order of the rows: tripped first, then not judged.
SHOWN = {FIRED: "TRIPPED", NOT_JUDGED: "not judged", OK: "ok"}


def render(
    title: str,
    checks: list[Check],
    reference: pd.DataFrame,
    served: pd.DataFrame,
    numeric: list[str],
    categorical: list[str],
) -> str:
    order = list(SHOWN)
    rows = "".join(
        f"<tr class='{c.status}'><td>{SHOWN[c.status]}</td>"
        f"<td>{html.escape(c.rule)}</td><td>{html.escape(c.subject)}</td>"
        f"<td>{'' if c.value is None else c.value}</td><td>{'' if c.limit is None else c.limit}</td>"
        f"<td>{html.escape(c.text)}</td></tr>"
        for c in sorted(checks, key=lambda c: order.index(c.status))
    )
    plots = ""
    if len(served):
        columns = [(n, True) for n in numeric] + [(n, False) for n in categorical]
        columns.append(("prediction", True))
        plots = "".join(
            f"<img alt='{html.escape(name)}: reference vs served' "
            f"src='data:image/png;base64,{_distribution(name, reference[name], served[name], is_num)}'>"
            for name, is_num in columns
            if name in reference and name in served and served[name].notna().any()
        )
    body = f"""<table><tr><th>status</th><th>rule</th><th>subject</th><th>value</th><th>limit</th><th>detail</th></tr>
{rows}</table>
<h2>Served vs reference</h2>
{plots or "<p>No served rows in the window.</p>"}"""
    return page(title, summary_line(checks), body)


def page(title: str, summary: str, body: str) -> str:
    """The HTML page: `title`, the one-line `summary` ("3 ok, 1 fired, ..."), then `body`."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:4px 8px;border-bottom:1px solid #ddd}}
tr.fired{{background:#fdd}}tr.not_judged{{background:#eee;color:#555}}img{{margin:4px}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p class="summary">{html.escape(summary)}</p>
{body}
</body></html>
"""
