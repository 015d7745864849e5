"""`monitor`: read the request log, the training reference and the champion; apply the rules;
write the report; post an alert if a rule tripped. The one place here that touches files."""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from ..config import Params
from ..errors import ProjectError
from .rules import (
    Check,
    drift_checks,
    schema_check,
    served_rows,
    staleness_check,
    traffic,
    traffic_checks,
)

REPORT_FILE, SUMMARY_FILE = "report.html", "summary.json"


@dataclass(frozen=True)
class Outcome:
    checks: list[Check]
    report: Path
    alert_problem: str | None  # why a due alert was not delivered

    @property
    def fired(self) -> list[Check]:
        return [check for check in self.checks if check.fired]


def read_log(folder: Path, since: datetime) -> pd.DataFrame:
    """Every logged record newer than `since` (DuckDB reads the folder's files as one table)."""
    import duckdb

    files = sorted(p for p in folder.glob("*.parquet") if p.is_file()) if folder.is_dir() else []
    if not files:
        raise ProjectError(
            f"{folder} holds no request log: serve the model (`make serve`) with "
            "serve.log_sample_rate above 0, then run the monitor"
        )
    try:
        return duckdb.execute(
            "select * from read_parquet(?, union_by_name = true) where logged_at >= ?",
            [[str(p) for p in files], since],
        ).df()
    except duckdb.Error as error:
        raise ProjectError(f"{folder}: the request log cannot be read ({error})") from None


def champion(root: Path, params: Params):
    """(version, age in days at `now`, model) of the registry's champion."""
    import mlflow.sklearn

    from ..release.moves import alias_version, client_for
    from ..release.record import CHAMPION

    name = params.registry.model_name
    client = client_for(root)
    version = alias_version(client, name, CHAMPION)
    if version is None:
        raise ProjectError(f"'{name}' has no champion: run `make pipeline` first")
    registered = client.get_model_version(name, version).creation_timestamp / 1000
    model = mlflow.sklearn.load_model(f"models:/{name}/{version}")
    return version, datetime.fromtimestamp(registered, UTC), model


def monitor(root: Path, params: Params, now: datetime | None = None) -> Outcome:
    from ..models import inputs
    from ..models.metrics import model_scores
    from ..paths import TRAINING_SET
    from ..stages import read_parquet
    from .alert import alert_payload, post
    from .report import render

    settings = params.monitor
    now = now or datetime.now(UTC)
    numeric, categorical = params.train.numeric_features, params.train.categorical_features
    features = numeric + categorical
    log = read_log(root / params.serve.log_dir, now - timedelta(days=settings.window_days))
    version, registered, model = champion(root, params)
    reference = inputs.features(read_parquet(root, TRAINING_SET, "split"), params.train)
    reference_scores = pd.Series(model_scores(model, reference, params.task))
    served = served_rows(log, features)
    by_champion = served[log.loc[served.index, "model_version"] == version]

    checks, _ = drift_checks(reference, reference_scores, served, numeric, categorical, settings)
    if len(by_champion) < len(served):  # prediction shift: only rows the champion answered
        checks = [c for c in checks if c.rule != "prediction_shift"] + [
            c
            for c in drift_checks(
                reference, reference_scores, by_champion, numeric, categorical, settings
            )[0]
            if c.rule == "prediction_shift"
        ]
    if len(served):
        checks.append(schema_check(served, params))
    checks += traffic_checks(traffic(log), settings)
    checks.append(staleness_check(version, (now - registered).total_seconds() / 86400, settings))

    folder = root / settings.report_dir
    folder.mkdir(parents=True, exist_ok=True)
    title = f"{params.registry.model_name} v{version}: monitoring {now:%Y-%m-%d %H:%M} UTC"
    reference_view = reference.assign(prediction=reference_scores.to_numpy())
    (folder / REPORT_FILE).write_text(
        render(title, checks, reference_view, served, numeric, categorical), encoding="utf-8"
    )
    fired = [c.as_dict() for c in checks if c.fired]
    (folder / SUMMARY_FILE).write_text(
        json.dumps(
            {
                "model": params.registry.model_name,
                "version": version,
                "at": now.isoformat(),
                "checks": [c.as_dict() for c in checks],
            },
            indent=2,
        )
        + "\n"
    )
    problem = None
    url = os.environ.get("MONITOR_WEBHOOK_URL") or settings.webhook_url
    if fired and url:
        report = str((folder / REPORT_FILE).relative_to(root))
        problem = post(url, alert_payload(params.registry.model_name, version, fired, report))
    return Outcome(checks, folder / REPORT_FILE, problem)
