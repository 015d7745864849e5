"""The `serve:` section of params.yaml: where the service listens, what it serves, what it logs."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class ServeParams(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    # The registry alias served; `serve --version N` pins a version instead.
    alias: str = "champion"
    # How often to look up the alias; a moved alias is loaded, then swapped in. 0: never.
    poll_seconds: Annotated[float, Field(ge=0)] = 30.0
    max_batch_rows: Annotated[int, Field(ge=1, le=100_000)] = 1000
    # Share of requests whose inputs and outputs are logged for the monitor (0 to 1).
    log_sample_rate: Annotated[float, Field(ge=0, le=1)] = 0.1
    log_dir: str = "logs/requests"
    log_flush_seconds: Annotated[float, Field(gt=0)] = 10.0
    # Log files older than this are deleted (at start, then hourly); at least the monitor's
    # window (monitor.window_days), so the monitor never misses a row it reads.
    log_retention_days: Annotated[float, Field(gt=0)] = 30.0
