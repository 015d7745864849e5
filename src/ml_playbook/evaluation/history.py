"""Many runs in one table: every run the project logged to its registry, filtered by its params,
tags and date, summarised, and each metric's history per test set with champion's moves marked.

Reading the registry is `load_runs` alone (through the `Registry` protocol); the rest takes and
returns tables shaped as MLflow's run search gives them: run_id, start_time, params.*,
metrics.*, tags.*.
"""

from datetime import datetime

import pandas as pd

from ..errors import ProjectError
from ..registry.moves import parse_moment

SUMMARY_STATISTICS = ["count", "mean", "std", "min", "max"]


def runs_table(runs) -> pd.DataFrame:
    """Runs (`registry.Run`) as one table, a row per run, oldest first."""
    rows = [
        {
            "run_id": run.run_id,
            "start_time": run.started_at,
            **{f"params.{key}": value for key, value in run.params.items()},
            **{f"metrics.{key}": value for key, value in run.metrics.items()},
            **{f"tags.{key}": value for key, value in run.tags.items()},
        }
        for run in runs
    ]
    if not rows:
        return pd.DataFrame(
            {
                "run_id": pd.Series(dtype=object),
                "start_time": pd.Series(dtype="datetime64[ns, UTC]"),
            }
        )
    table = pd.DataFrame(rows)
    table["start_time"] = pd.to_datetime(table["start_time"], utc=True)
    return table.sort_values("start_time", kind="stable").reset_index(drop=True)


def load_runs(registry, name: str) -> pd.DataFrame:
    """Every run logged for the model `name` (its experiment), oldest first."""
    return runs_table(registry.runs(name))


def filter_runs(
    runs: pd.DataFrame,
    since: datetime | None = None,
    until: datetime | None = None,
    params: dict[str, str] | None = None,
    tags: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The runs started in [since, until] whose params and tags equal the given values."""
    kept = runs
    if since is not None:
        kept = kept[kept["start_time"] >= since]
    if until is not None:
        kept = kept[kept["start_time"] <= until]
    for prefix, wanted in (("params", params or {}), ("tags", tags or {})):
        for key, value in wanted.items():
            column = f"{prefix}.{key}"
            if column not in kept.columns:
                known = sorted(
                    c.removeprefix(f"{prefix}.") for c in runs if c.startswith(f"{prefix}.")
                )
                raise ProjectError(
                    f"no run has {prefix[:-1]} '{key}'; known: {', '.join(known) or 'none'}"
                )
            kept = kept[kept[column].astype(str) == value]
    return kept.reset_index(drop=True)


def metric_columns(runs: pd.DataFrame) -> list[str]:
    return sorted(
        column.removeprefix("metrics.") for column in runs if column.startswith("metrics.")
    )


def summary(runs: pd.DataFrame) -> pd.DataFrame:
    """count, mean, spread and range of every metric over the runs."""
    names = metric_columns(runs)
    if runs.empty or not names:
        return pd.DataFrame(columns=["metric", *SUMMARY_STATISTICS])
    table = runs[[f"metrics.{name}" for name in names]].astype("float64").agg(SUMMARY_STATISTICS).T
    return (
        table.rename(index=lambda column: column.removeprefix("metrics."))
        .rename_axis("metric")
        .reset_index()
    )


def metric_history(runs: pd.DataFrame, metric: str, sets: list[str]) -> pd.DataFrame:
    """`metric` per run and test set over time (logged as <set>.<metric>), oldest first."""
    rows = []
    for name in sets:
        column = f"metrics.{name}.{metric}"
        if column in runs.columns:
            part = runs[["start_time", "run_id", column]].dropna()
            rows.append(part.rename(columns={column: "value"}).assign(set=name))
    if not rows:
        return pd.DataFrame(columns=["start_time", "run_id", "value", "set"])
    return pd.concat(rows, ignore_index=True).sort_values("start_time", kind="stable")


def champion_changes(moves) -> pd.DataFrame:
    """When champion moved, and to which version (from the registry's record)."""
    return pd.DataFrame(
        [
            {"at": parse_moment(move.at), "version": move.to_version, "action": move.action}
            for move in moves
        ],
        columns=["at", "version", "action"],
    )


def history_figure(history: pd.DataFrame, changes: pd.DataFrame, metric: str):
    """The metric over time, one line per test set; dashed lines where champion moved."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 4))
    axes = figure.subplots()
    for name, part in history.groupby("set", sort=True):
        axes.plot(part["start_time"], part["value"], marker="o", label=name)
    for change in changes.itertuples():
        axes.axvline(change.at, color="grey", linestyle="--", linewidth=0.8)
        axes.annotate(f"v{change.version}", (change.at, 1), xycoords=("data", "axes fraction"))
    axes.set(xlabel="run started", ylabel=metric, title=f"{metric} per test set over time")
    if not history.empty:
        axes.legend()
    figure.autofmt_xdate()
    figure.tight_layout()
    return figure
