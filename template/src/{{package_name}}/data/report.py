"""The data report: a summary (JSON and Markdown) and plots of a validated table."""

import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd


def column_summary(frame: pd.DataFrame) -> dict[str, dict]:
    summary = {}
    for name, column in frame.items():
        entry = {"dtype": str(column.dtype), "nulls": int(column.isna().sum())}
        if pd.api.types.is_numeric_dtype(column):
            described = column.describe()
            entry.update({k: round(float(described[k]), 4) for k in ("min", "mean", "max")})
        else:
            entry["top_values"] = {str(k): int(v) for k, v in column.value_counts().head(5).items()}
        summary[str(name)] = entry
    return summary


def write_report(frame: pd.DataFrame, label: str, numeric: list[str], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    summary = {"rows": len(frame), "label": label, "columns": column_summary(frame)}
    written = [folder / "summary.json", folder / "distributions.png", folder / "label.png"]
    written[0].write_text(json.dumps(summary, indent=2) + "\n")
    _plot_distributions(frame, numeric, written[1])
    _plot_label(frame[label], written[2])
    written.append(_write_markdown(summary, folder / "report.md"))
    return written


def _plot_distributions(frame: pd.DataFrame, numeric: list[str], path: Path) -> None:
    columns = 3
    rows = -(-len(numeric) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3 * rows), squeeze=False)
    for axis, name in zip(axes.flat, numeric, strict=False):
        axis.hist(frame[name].dropna(), bins=30, color="#4C72B0")
        axis.set_title(name)
    for axis in axes.flat[len(numeric) :]:
        axis.set_visible(False)
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def _plot_label(label: pd.Series, path: Path) -> None:
    figure, axis = plt.subplots(figsize=(5, 3.5))
    if label.nunique() <= 10:
        label.value_counts().sort_index().plot.bar(ax=axis, color="#DD8452")
    else:
        axis.hist(label, bins=40, color="#DD8452")
    axis.set_title(f"label: {label.name}")
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)


def _write_markdown(summary: dict, path: Path) -> Path:
    lines = [
        f"# Data report: {summary['rows']} rows, label `{summary['label']}`",
        "",
        "![distributions](distributions.png)",
        "![label](label.png)",
        "",
        "| column | type | nulls | min | mean | max / top values |",
        "|---|---|---|---|---|---|",
    ]
    for name, entry in summary["columns"].items():
        tail = entry.get("max", ", ".join(entry.get("top_values", {})))
        lines.append(
            f"| {name} | {entry['dtype']} | {entry['nulls']} | {entry.get('min', '')} "
            f"| {entry.get('mean', '')} | {tail} |"
        )
    path.write_text("\n".join(lines) + "\n")
    return path
