"""The `release:` section of params.yaml: the promotion rule and the post-deploy check."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class ReleaseParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Whether `register` may move `champion` itself when a run wins: "local" = only on the
    # embedded store (solo work); against a shared server it only proposes `challenger`, and
    # `release promote` (CI or a named approver) moves champion. "always" / "never" force it.
    auto_promote: Literal["local", "always", "never"] = "local"
    # The fixed example set `release verify` replays (features only, committed in git).
    verify_examples: str = "tests/fixtures/serving_examples.csv"
    # Largest difference allowed between a served and an offline prediction.
    verify_tolerance: Annotated[float, Field(ge=0)] = 1e-9
    # Single-row latency the service must keep while verified (99th percentile).
    verify_max_p99_ms: Annotated[float, Field(gt=0)] = 250.0
    verify_latency_requests: Annotated[int, Field(ge=1, le=10_000)] = 50
