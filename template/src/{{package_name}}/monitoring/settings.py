"""The `monitor:` section of params.yaml: the thresholds of each rule and where alerts go."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class MonitorParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Only log records this recent are read.
    window_days: Annotated[float, Field(gt=0)] = 7.0
    # Below this many served rows, drift is reported as not judged (too few to tell).
    min_rows: Annotated[int, Field(ge=1)] = 200
    # Population stability index per feature and of the predictions: above it, drift.
    # (Common reading: < 0.1 stable, 0.1-0.25 moderate, > 0.25 major.)
    feature_psi_max: Annotated[float, Field(gt=0)] = 0.2
    prediction_psi_max: Annotated[float, Field(gt=0)] = 0.2
    bins: Annotated[int, Field(ge=2, le=100)] = 10
    # Share of requests refused for breaking the input contract (4xx), and failing (5xx).
    invalid_rate_max: Annotated[float, Field(ge=0, le=1)] = 0.05
    error_rate_max: Annotated[float, Field(ge=0, le=1)] = 0.01
    latency_p99_ms_max: Annotated[float, Field(gt=0)] = 250.0
    # Age of the champion (since it was registered) before retraining is due.
    max_model_age_days: Annotated[float, Field(gt=0)] = 90.0
    # Where a tripped rule is posted as JSON (Slack, Teams or any webhook). Empty: none.
    # MONITOR_WEBHOOK_URL, if set, wins: keep secret URLs out of git.
    webhook_url: str = ""
    report_dir: str = "reports/monitoring"
