"""The monitor's rules: each compares one figure of the served log (or of the champion) with
its limit in params.yaml `monitor:`. Pure functions of tables and numbers: the command reads
the files, these decide."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..project.params import MonitorParams
from .checks import Check
from .drift import Shift, feature_shifts, numeric_shift


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


def drift_checks(
    reference: pd.DataFrame,
    reference_scores: pd.Series,
    served: pd.DataFrame,
    numeric: list[str],
    categorical: list[str],
    settings: MonitorParams,
) -> tuple[list[Check], list[Shift]]:
    """Per-feature drift and prediction shift; none judged on fewer than `min_rows` rows."""
    if len(served) < settings.min_rows:
        note = f"{len(served)} served rows logged, fewer than the {settings.min_rows} needed"
        return [
            Check("feature_drift", "all features", None, settings.feature_psi_max, False, note),
            Check(
                "prediction_shift", "predictions", None, settings.prediction_psi_max, False, note
            ),
        ], []
    shifts = feature_shifts(reference, served, numeric, categorical, settings.bins)
    scores = numeric_shift("prediction", reference_scores, served["prediction"], settings.bins)
    checks = [
        Check(
            "feature_drift",
            shift.name,
            round(shift.psi, 4),
            settings.feature_psi_max,
            shift.psi > settings.feature_psi_max,
            f"PSI {shift.psi:.3f}; {shift.test} statistic {shift.statistic:.3f}, "
            f"p={shift.p_value:.2g}",
        )
        for shift in shifts
    ]
    checks.append(
        Check(
            "prediction_shift",
            "predictions",
            round(scores.psi, 4),
            settings.prediction_psi_max,
            scores.psi > settings.prediction_psi_max,
            f"PSI {scores.psi:.3f}; mean {served['prediction'].mean():.4g} served vs "
            f"{reference_scores.mean():.4g} on the reference",
        )
    )
    return checks, [*shifts, scores]


def traffic_checks(summary: Traffic, settings: MonitorParams) -> list[Check]:
    p99 = summary.latency_ms.get("p99")
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
        Check(
            "latency",
            "p99",
            None if p99 is None else round(p99, 2),
            settings.latency_p99_ms_max,
            p99 is not None and p99 > settings.latency_p99_ms_max,
            ", ".join(f"{k} {v:.1f} ms" for k, v in summary.latency_ms.items()) or "no answers",
        ),
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
    any here means the schema changed since, or the service let something through."""
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
