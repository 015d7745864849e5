"""The data report of a validated table: a summary, the same as Markdown, and two figures.
Data in, data out: the project's validate stage writes them."""

import pandas as pd


def summary(frame: pd.DataFrame, label: str) -> dict:
    """Rows, the label, and per column its type, nulls and range (numbers) or top values."""
    columns = {}
    for name, column in frame.items():
        entry = {"dtype": str(column.dtype), "nulls": int(column.isna().sum())}
        # A true/false column is numeric to pandas, but has no range: its counts tell more.
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        if numeric and column.notna().any():
            entry.update({k: round(float(getattr(column, k)()), 4) for k in ("min", "mean", "max")})
        else:
            entry["top_values"] = {str(k): int(v) for k, v in column.value_counts().head(5).items()}
        columns[str(name)] = entry
    return {"rows": len(frame), "label": label, "columns": columns}


def markdown(report: dict, figures: list[str]) -> str:
    """The summary as a Markdown page that shows the figures (file names beside it)."""
    lines = [
        f"# Data report: {report['rows']} rows, label `{report['label']}`",
        "",
        *(f"![{name.removesuffix('.png')}]({name})" for name in figures),
        "",
        "| column | type | nulls | min | mean | max / top values |",
        "|---|---|---|---|---|---|",
    ]
    for name, entry in report["columns"].items():
        tail = entry.get("max", ", ".join(entry.get("top_values", {})))
        lines.append(
            f"| {_cell(name)} | {entry['dtype']} | {entry['nulls']} | {entry.get('min', '')} "
            f"| {entry.get('mean', '')} | {_cell(tail)} |"
        )
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    """A value as one Markdown table cell: a `|` or a line break in the data would split it."""
    return " ".join(str(value).split()).replace("|", "\\|")


def distributions_figure(frame: pd.DataFrame, numeric: list[str]):
    """One histogram per numeric feature, three to a row."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    per_row = 3
    rows = max(1, -(-len(numeric) // per_row))
    figure = Figure(figsize=(4 * per_row, 3 * rows))
    axes = figure.subplots(rows, per_row, squeeze=False)
    for axis, name in zip(axes.flat, numeric, strict=False):
        axis.hist(frame[name].dropna(), bins=30, color="#4C72B0")
        axis.set_title(name)
    for axis in axes.flat[len(numeric) :]:
        axis.set_visible(False)
    figure.tight_layout()
    return figure


def label_figure(label: pd.Series):
    """Counts per class (ten values or fewer), else a histogram."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 3.5))
    axis = figure.subplots()
    if label.nunique() <= 10:
        counts = label.value_counts().sort_index()
        axis.bar([str(value) for value in counts.index], counts.to_numpy(), color="#DD8452")
    else:
        axis.hist(label, bins=40, color="#DD8452")
    axis.set_title(f"label: {label.name}")
    figure.tight_layout()
    return figure
