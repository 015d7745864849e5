"""The monitoring report for a person: how many rules are ok, fired and not judged, the rules
(tripped first, then those not judged with why), then plots of each feature and of the
predictions, served (each model version apart) against the reference. A numeric chart spans the
bulk of each sample, so outliers cannot squeeze it into slivers; what lies beyond is counted in
the edge bars, hatched, and said in the caption. One self-contained HTML file."""

import base64
import html
import io

import pandas as pd

from .checks import FIRED, NOT_JUDGED, OK, Check, summary_line

# The charts' resolution: small, one report holds a chart per feature.
DPI = 72


def _png(figure) -> str:
    """`figure` (made at DPI, on an Agg canvas) laid out and drawn as PNG, in base64. Laying
    out and drawing at one resolution on one canvas measures each text once, not once for the
    layout and again for the image (a fifth of a chart's time)."""
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.canvas.print_png(buffer)
    return base64.b64encode(buffer.getvalue()).decode()


# A numeric chart spans each sample's bulk: its median +- this many median absolute deviations
# (about 3.4 standard deviations of a normal sample), so extreme values, even many of them,
# cannot stretch the bins until every bar is a sliver; they are counted in the edge bars.
SPREAD = 5.0
# For a sample whose deviations are mostly zero (counts): its 1st to 99th percentile.
TAIL = 0.01
BINS = 20


def robust_range(samples: dict[str, pd.Series]) -> tuple[float, float]:
    """The axis range of a numeric chart: the union of each sample's bulk, so every sample
    shows even when it moved away from the others."""
    lows, highs = [], []
    for sample in samples.values():
        values = sample.dropna().astype(float)
        if not len(values):
            continue
        median = values.median()
        spread = (values - median).abs().median()
        if spread > 0:
            lows.append(max(values.min(), median - SPREAD * spread))
            highs.append(min(values.max(), median + SPREAD * spread))
        else:
            lows.append(values.quantile(TAIL))
            highs.append(values.quantile(1 - TAIL))
    low, high = float(min(lows)), float(max(highs))
    if high <= low:  # one value: give it room
        low, high = low - 0.5, high + 0.5
    return low, high


def overflow(samples: dict[str, pd.Series], low: float, high: float) -> list[str]:
    """What each sample has outside [low, high], as the chart's caption says it."""
    notes = []
    for label, sample in samples.items():
        values = sample.dropna().astype(float)
        for beyond, side, end in (
            (int((values < low).sum()), "below", low),
            (int((values > high).sum()), "above", high),
        ):
            if beyond:
                # The count too: a share alone rounds a few values in many to "0.0%".
                notes.append(
                    f"{beyond} of {len(values)} ({beyond / len(values):.1%}) of {label} {side} "
                    f"{end:g} (in the edge bar, hatched)"
                )
    return notes


def _distribution(name: str, samples: dict[str, pd.Series], numeric: bool) -> tuple[str, list[str]]:
    """A chart of `samples` (label -> values: the reference, then the served rows of each
    version), as PNG in base64, and the notes of its caption."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    figure = Figure(figsize=(4.4, 2.8), dpi=DPI)
    FigureCanvasAgg(figure)
    axis = figure.subplots()
    notes: list[str] = []
    if numeric:
        low, high = robust_range(samples)
        edges = [low + (high - low) * i / BINS for i in range(BINS + 1)]
        width = edges[1] - edges[0]
        for label, sample in samples.items():
            values = sample.dropna().astype(float)
            if not len(values):
                continue
            # Beyond the range, values count in the edge bars (marked), not off the chart.
            # One filled outline a sample, not a patch a bin: the same picture, drawn in
            # three quarters of the time.
            heights, _, (outline, *_) = axis.hist(
                values.clip(low, high),
                bins=edges,
                density=True,
                alpha=0.5,
                label=label,
                histtype="stepfilled",
            )
            for beyond, left, height in (
                ((values < low).any(), edges[0], heights[0]),
                ((values > high).any(), edges[-2], heights[-1]),
            ):
                if beyond:
                    axis.bar(left, height, width, align="edge", fill=False, hatch="///",
                             edgecolor=outline.get_facecolor(), linewidth=0)  # fmt: skip
        notes = overflow(samples, low, high)
    else:
        shares = pd.DataFrame(
            {label: sample.value_counts(normalize=True) for label, sample in samples.items()}
        ).fillna(0)
        shares.plot.bar(ax=axis, alpha=0.7)
    axis.set_title(name, fontsize=9)
    axis.legend(fontsize=7)
    return _png(figure), notes


def samples_of(
    name: str, reference: pd.DataFrame, served: pd.DataFrame, versions: pd.Series | None
) -> dict[str, pd.Series]:
    """label -> values: the reference, then the served rows of each version (one "served"
    when the versions are not known)."""
    samples = {"reference": reference[name]}
    if versions is None:
        samples["served"] = served[name]
        return samples
    for version in sorted(versions.astype(str).unique(), key=_version_order):
        rows = served.loc[versions.astype(str) == version, name]
        samples[f"served v{version} ({len(rows)} rows)"] = rows
    return samples


def served_by(versions: pd.Series | None) -> str:
    """ "Served rows by version: v1 88, v2 912", or "" when the versions are not known."""
    if versions is None or not len(versions):
        return ""
    counts = versions.astype(str).value_counts()
    shown = ", ".join(f"v{v} {counts[v]}" for v in sorted(counts.index, key=_version_order))
    return f"Served rows by version: {shown}."


def _version_order(version: str) -> tuple[int, str]:
    return (int(version), "") if version.isdigit() else (10**9, version)


# The status column's words, and the order of the rows: tripped first, then not judged.
SHOWN = {FIRED: "TRIPPED", NOT_JUDGED: "not judged", OK: "ok"}


def render(
    title: str,
    checks: list[Check],
    reference: pd.DataFrame,
    served: pd.DataFrame,
    numeric: list[str],
    categorical: list[str],
    versions: pd.Series | None = None,
) -> str:
    """The report; `versions`: the model version that answered each served row (same index as
    `served`), to draw each version's rows apart."""
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
            _figure(name, samples_of(name, reference, served, versions), is_num)
            for name, is_num in columns
            if name in reference and name in served and served[name].notna().any()
        )
    body = f"""<table><tr><th>status</th><th>rule</th><th>subject</th><th>value</th><th>limit</th><th>detail</th></tr>
{rows}</table>
<h2>Served vs reference</h2>
<p class="versions">{html.escape(served_by(versions if len(served) else None))}</p>
{plots or "<p>No served rows in the window.</p>"}"""
    return page(title, summary_line(checks), body)


def _figure(name: str, samples: dict[str, pd.Series], numeric: bool) -> str:
    image, notes = _distribution(name, samples, numeric)
    caption = "; ".join(notes)
    return (
        f"<figure><img alt='{html.escape(name)}: reference vs served' "
        f"src='data:image/png;base64,{image}'>"
        f"{f'<figcaption>{html.escape(caption)}</figcaption>' if caption else ''}</figure>"
    )


def page(title: str, summary: str, body: str) -> str:
    """The HTML page: `title`, the one-line `summary` ("3 ok, 1 fired, ..."), then `body`."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:4px 8px;border-bottom:1px solid #ddd}}
tr.fired{{background:#fdd}}tr.not_judged{{background:#eee;color:#555}}figure{{display:inline-block;margin:4px}}figcaption{{font-size:small;max-width:30em}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p class="summary">{html.escape(summary)}</p>
{body}
</body></html>
"""
