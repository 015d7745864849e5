"""The monitor's rules: each compares one figure of the served log (or of the champion) with
its limit in params.yaml `monitor:`. Pure functions of tables and numbers: the command reads
the files, these decide."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..project.params import MonitorParams
from .checks import Check
from .drift import Shift, categorical_shift, numeric_shift


@dataclass(frozen=True)
class Traffic:
    """The served log, summed up by request."""

    requests: int
    served_rows: int
    invalid: int  # refused: 4xx
    errors: int  # failed: 5xx
    latency_ms: dict[str, float]  # p50, p95, p99 of answered requests

    @property
    def invalid_rate(self) -> float:
        return self.invalid / self.requests if self.requests else 0.0

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0


def traffic(log: pd.DataFrame) -> Traffic:
    """`log`: the request log's records (one per served row, one per refused request)."""
    requests = log.drop_duplicates("request_id")
    answered = requests[requests["status"] < 400]["latency_ms"].to_numpy(dtype=float)
    latency = (
        {f"p{q}": float(np.percentile(answered, q)) for q in (50, 95, 99)} if len(answered) else {}
    )
    return Traffic(
        requests=len(requests),
        served_rows=int((log["status"] == 200).sum()),
        invalid=int(requests["status"].between(400, 499).sum()),
        errors=int((requests["status"] >= 500).sum()),
        latency_ms=latency,
    )


def served_rows(log: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    return log.loc[log["status"] == 200, [*features, "prediction"]]


def too_few(rows: int, settings: MonitorParams, what: str = "served rows") -> str | None:
    """Why `rows` rows are too few to judge a distribution on, or None if they are enough."""
    if rows == 0:
        return f"no {what} in the window"
    return f"fewer than {settings.min_rows} {what}" if rows < settings.min_rows else None


def feature_drift_checks(
    reference: pd.DataFrame,
    served: pd.DataFrame,
    numeric: list[str],
    categorical: list[str],
    settings: MonitorParams,
) -> tuple[list[Check], list[Shift]]:
    """Drift of each feature: not judged on fewer than `min_rows` served rows, nor a number
    on fewer than `min_rows` served values (absent from older log files, or empty). A
    category's missing values are a category of their own: judged on every row."""
    checks, shifts = [], []
    for name in [*numeric, *categorical]:
        rows = int(served[name].notna().sum()) if name in numeric else len(served)
        if why := too_few(len(served), settings):
            seen = f"{len(served)} in the window" if len(served) else ""
        elif why := too_few(rows, settings, "served rows with a value"):
            seen = f"{rows} of {len(served)} have one"
        if why:
            limit = settings.feature_psi_max
            checks.append(Check.not_judged("feature_drift", name, why, limit, seen))
            continue
        if name in numeric:
            shift = numeric_shift(name, reference[name], served[name], settings.bins)
        else:
            shift = categorical_shift(name, reference[name], served[name])
        shifts.append(shift)
        checks.append(
            Check(
                "feature_drift",
                shift.name,
                round(shift.psi, 4),
                settings.feature_psi_max,
                shift.psi > settings.feature_psi_max,
                f"PSI {shift.psi:.3f}; {shift.test} statistic {shift.statistic:.3f}, "
                f"p={shift.p_value:.2g}",
            )
        )
    return checks, shifts


def prediction_shift_check(
    reference_scores: pd.Series,
    predictions: pd.Series,
    settings: MonitorParams,
    whose: str = "served rows",
    seen: str = "",
) -> tuple[Check, Shift | None]:
    """The served `predictions` against the champion's on the reference: not judged on
    fewer than `min_rows` of them (`whose` names them in the reason)."""
    predictions = predictions.dropna()
    if why := too_few(len(predictions), settings, whose):
        seen = seen or (f"{len(predictions)} in the window" if len(predictions) else "")
        limit = settings.prediction_psi_max
        return Check.not_judged("prediction_shift", "predictions", why, limit, seen), None
    scores = numeric_shift("prediction", reference_scores, predictions, settings.bins)
    check = Check(
        "prediction_shift",
        "predictions",
        round(scores.psi, 4),
        settings.prediction_psi_max,
        scores.psi > settings.prediction_psi_max,
        f"PSI {scores.psi:.3f}; mean {predictions.mean():.4g} served vs "
        f"{reference_scores.mean():.4g} on the reference",
    )
    return check, scores


def drift_checks(
    reference: pd.DataFrame,
    reference_scores: pd.Series,
    served: pd.DataFrame,
    numeric: list[str],
    categorical: list[str],
    settings: MonitorParams,
) -> tuple[list[Check], list[Shift]]:
    """Per-feature drift and prediction shift; none judged on fewer than `min_rows` rows."""
    checks, shifts = feature_drift_checks(reference, served, numeric, categorical, settings)
    check, scores = prediction_shift_check(reference_scores, served["prediction"], settings)
    return [*checks, check], [*shifts, *([scores] if scores else [])]


def traffic_checks(summary: Traffic, settings: MonitorParams) -> list[Check]:
    """Refusals, failures and p99 latency: not judged without a request (or an answer)."""
    p99 = summary.latency_ms.get("p99")
    if not summary.requests:
        why = "no requests in the window"
        return [
            Check.not_judged("invalid_inputs", "requests", why, settings.invalid_rate_max),
            Check.not_judged("errors", "requests", why, settings.error_rate_max),
            Check.not_judged("latency", "p99", why, settings.latency_p99_ms_max),
        ]
    latency = (
        Check(
            "latency",
            "p99",
            round(p99, 2),
            settings.latency_p99_ms_max,
            p99 > settings.latency_p99_ms_max,
            ", ".join(f"{k} {v:.1f} ms" for k, v in summary.latency_ms.items()),
        )
        if p99 is not None
        else Check.not_judged(
            "latency",
            "p99",
            "no answered requests in the window",
            settings.latency_p99_ms_max,
            f"all {summary.requests} refused or failed",
        )
    )
    return [
        Check(
            "invalid_inputs",
            "requests",
            round(summary.invalid_rate, 4),
            settings.invalid_rate_max,
            summary.invalid_rate > settings.invalid_rate_max,
            f"{summary.invalid} of {summary.requests} requests broke the input contract (4xx)",
        ),
        Check(
            "errors",
            "requests",
            round(summary.error_rate, 4),
            settings.error_rate_max,
            summary.error_rate > settings.error_rate_max,
            f"{summary.errors} of {summary.requests} requests failed (5xx)",
        ),
        latency,
    ]


def staleness_check(version: str, age_days: float, settings: MonitorParams) -> Check:
    return Check(
        "staleness",
        f"champion v{version}",
        round(age_days, 2),
        settings.max_model_age_days,
        age_days > settings.max_model_age_days,
        f"registered {age_days:.1f} days ago (retrain after {settings.max_model_age_days:g})",
    )


def schema_check(served: pd.DataFrame, params) -> Check:
    """Served rows that break today's data schema: the service checks the same contract, so
    any here means the schema changed since, or the service let something through. Not
    judged without a served row."""
    if not len(served):
        return Check.not_judged("schema", "served rows", "no served rows in the window", 0)
    import pandera.pandas as pa

    from ..data.schema import feature_schema

    features = params.train.features
    columns = feature_schema(params).columns
    schema = pa.DataFrameSchema({name: columns[name] for name in features}, coerce=True)
    try:
        schema.validate(served[features].reset_index(drop=True), lazy=True)
        broken, example = 0, ""
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases
        broken = int(failures["index"].nunique()) or len(served)
        first = failures.iloc[0]
        example = f"; e.g. column '{first['column']}' fails {first['check']}"
    return Check(
        "schema",
        "served rows",
        broken,
        0,
        broken > 0,
        f"{broken} of {len(served)} served rows break the data schema{example}",
    )
