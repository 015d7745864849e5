"""`monitor`: read the request log, the training reference and the champion; apply the rules,
then the team's own checks; write the report; post an alert if anything tripped. Each rule is
ok, fired or not judged (with why); with no request log yet there is nothing to judge. The one
place of monitoring that touches files and the registry."""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from ..errors import ProjectError, first_line
from ..registry import CHAMPION, open_registry
from .checks import Check, MonitorView, counts, plain, summary_line, team_checks
from .rules import (
    feature_drift_checks,
    prediction_shift_check,
    schema_check,
    served_rows,
    staleness_check,
    traffic,
    traffic_checks,
)

REPORT_FILE, SUMMARY_FILE = "report.html", "summary.json"
# What every record of the request log holds besides the features (serving writes them).
LOG_COLUMNS = ("request_id", "status", "latency_ms", "model_version", "prediction")


@dataclass(frozen=True)
class Outcome:
    checks: list[Check]
    report: Path
    alert_problem: str | None  # why a due alert was not delivered
    nothing_to_judge: str | None = None  # why no rule was applied (no request log yet)

    @property
    def fired(self) -> list[Check]:
        return [check for check in self.checks if check.fired]

    @property
    def not_judged(self) -> list[Check]:
        return [check for check in self.checks if check.reason is not None]

    @property
    def summary(self) -> str:
        """One line: how many rules are ok, fired and not judged, and why not; or why
        nothing was judged."""
        return self.nothing_to_judge or summary_line(self.checks)


def log_files(folder: Path) -> list[Path]:
    """The request log's files (anything there that is not a regular Parquet file is left
    alone)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.parquet") if p.is_file() and not p.is_symlink())


def read_log(folder: Path, since: datetime) -> pd.DataFrame:
    """Every logged record at or after `since` (DuckDB reads the folder's files as one
    table)."""
    import duckdb

    from ..stage import in_memory_duckdb

    files = log_files(folder)
    if not files:
        raise ProjectError(
            f"{folder} holds no request log: serve the model (`make serve`) with "
            "serve.log_sample_rate above 0, then run the monitor"
        )
    try:
        with in_memory_duckdb() as connection:
            return connection.execute(
                "select * from read_parquet(?, union_by_name = true) where logged_at >= ?",
                [[str(p) for p in files], since],
            ).df()
    except duckdb.Error as error:
        raise ProjectError(
            f"{folder}: the request log cannot be read ({first_line(error)})"
        ) from None


def require_columns(log: pd.DataFrame, features: list[str], folder: Path) -> None:
    absent = [name for name in (*LOG_COLUMNS, *features) if name not in log.columns]
    if absent:
        raise ProjectError(
            f"{folder}: the request log has no column(s) {', '.join(absent)}: it was written "
            "for other features than params.yaml train names; serve the current model first"
        )


def champion(project, registry) -> tuple[str, datetime, object]:
    """(version, when it was registered, model) of the registry's champion."""
    name = project.params.registry.model_name
    version = registry.alias(name, CHAMPION)
    if version is None:
        raise ProjectError(f"'{name}' has no champion: run `make pipeline` first")
    return version, registry.version(name, version).created_at, registry.load(name, version)


def own_checks(view: MonitorView, log: pd.DataFrame, registered: datetime) -> list[Check]:
    """The library's rules: drift, prediction shift (on the champion's answers only),
    schema, traffic, staleness; the same rules every run, each ok, fired or not judged."""
    params, settings = view.params, view.settings
    numeric, categorical = params.train.numeric_features, params.train.categorical_features
    served, reference, scores = view.served, view.reference, view.reference_scores
    by_champion = served[log.loc[served.index, "model_version"].astype(str) == view.version]

    checks, _ = feature_drift_checks(reference, served, numeric, categorical, settings)
    if len(by_champion) < len(served):  # prediction shift: only rows the champion answered
        whose = f"rows answered by v{view.version}"
        seen = f"{len(by_champion)} of {len(served)} served rows"
        shift, _ = prediction_shift_check(scores, by_champion["prediction"], settings, whose, seen)
    else:
        shift, _ = prediction_shift_check(scores, served["prediction"], settings)
    checks += [shift, schema_check(served, params)]
    checks += traffic_checks(traffic(log), settings)
    age_days = (view.now - registered).total_seconds() / 86400
    checks.append(staleness_check(view.version, age_days, settings))
    return checks


def monitor(project, now: datetime | None = None, registry=None) -> Outcome:
    """Apply every rule and team check to the window of the request log; write the report
    and the summary; alert the webhook if anything tripped. Without a request log yet,
    nothing is judged: the outcome says so and nothing fired."""
    from ..modeling import inputs
    from ..modeling.metrics import model_scores
    from ..project.paths import TRAINING_SET
    from ..stage import read_parquet

    registry = registry if registry is not None else open_registry(project)
    params, root = project.params, project.root
    settings, train = params.monitor, params.train
    now = now or datetime.now(UTC)
    folder = root / params.serve.log_dir
    if not log_files(folder):
        return nothing_to_judge(
            project,
            now,
            f"no request log at {Path(params.serve.log_dir).as_posix()}: nothing to judge "
            "(serve the model to start one: `make serve`, with serve.log_sample_rate above 0)",
        )
    log = read_log(folder, now - timedelta(days=settings.window_days))
    require_columns(log, train.features, Path(params.serve.log_dir))
    version, registered, model = champion(project, registry)
    reference = inputs.features(
        read_parquet(root, TRAINING_SET, "split"),
        train.numeric_features,
        train.categorical_features,
        TRAINING_SET.as_posix(),
    )
    reference_scores = pd.Series(model_scores(model, reference, params.task))
    view = MonitorView(
        served_rows(log, train.features),
        reference,
        reference_scores,
        settings,
        version,
        now,
        params,
    )
    checks = own_checks(view, log, registered)
    checks += team_checks(view, project.extensions.monitor_checks)
    return report(project, view, checks, log.loc[view.served.index, "model_version"])


def nothing_to_judge(project, now: datetime, why: str) -> Outcome:
    """Write a report and summary.json saying only `why` (no earlier report stays behind to
    be read as today's); nothing fired, so nothing is alerted."""
    from .report import page

    params = project.params
    folder = project.root / params.monitor.report_dir
    title = f"{params.registry.model_name}: monitoring {now:%Y-%m-%d %H:%M} UTC"
    write(folder, page(title, why, ""), params.registry.model_name, None, now, [], why)
    return Outcome([], folder / REPORT_FILE, None, why)


def write(
    folder: Path,
    html: str,
    model: str,
    version: str | None,
    now: datetime,
    checks: list[Check],
    summary: str,
) -> None:
    """The HTML report and summary.json: each check with its status (ok, fired, not_judged)
    and, when not judged, its reason; the counts and the summary line."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / REPORT_FILE).write_text(html, encoding="utf-8")
    data = {
        "model": model,
        "version": version,
        "at": now.isoformat(),
        "counts": counts(checks),
        "summary": summary,
        "checks": [check.as_dict() for check in checks],
    }
    (folder / SUMMARY_FILE).write_text(
        json.dumps(data, indent=2, default=plain) + "\n", encoding="utf-8"
    )


def report(
    project, view: MonitorView, checks: list[Check], versions: pd.Series | None = None
) -> Outcome:
    """Write the HTML report and summary.json to `monitor.report_dir`; post the tripped
    checks to the webhook (MONITOR_WEBHOOK_URL, else monitor.webhook_url) if any: a rule not
    judged is never alerted."""
    from .alert import alert_payload, post
    from .report import render

    params, root = project.params, project.root
    name, settings = params.registry.model_name, view.settings
    folder = root / settings.report_dir
    # The champion now; the rows may have been served by others too (the report splits them).
    title = f"{name}: monitoring {view.now:%Y-%m-%d %H:%M} UTC (champion v{view.version})"
    reference = view.reference.assign(prediction=view.reference_scores.to_numpy())
    train = params.train
    html = render(
        title,
        checks,
        reference,
        view.served,
        train.numeric_features,
        train.categorical_features,
        versions,
    )
    write(folder, html, name, view.version, view.now, checks, summary_line(checks))
    fired = [check.as_dict() for check in checks if check.fired]
    problem = None
    url = os.environ.get("MONITOR_WEBHOOK_URL") or settings.webhook_url
    if fired and url:
        relative = f"{Path(settings.report_dir).as_posix()}/{REPORT_FILE}"
        problem = post(url, alert_payload(name, view.version, fired, relative))
    return Outcome(checks, folder / REPORT_FILE, problem)
