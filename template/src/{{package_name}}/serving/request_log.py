"""A sample of requests and responses, written as Parquet files the monitor reads (DuckDB
queries the folder as one table). Only the model's features, the prediction and request
metadata are kept: the contract refuses any other field, so no identifier can reach the log,
and a refused request is logged with the names of the failing features only, not its values.
"""

import random
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class RequestLog:
    def __init__(
        self, folder: Path, features: dict[str, str], sample_rate: float, flush_seconds: float
    ):
        """`features`: each feature's Arrow type name (int64, double, string), in order."""
        self.folder, self.features, self.sample_rate = folder, features, sample_rate
        self._buffer: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._random = random.Random()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._flush_every, args=(flush_seconds,), name="request-log", daemon=True
        )

    def start(self) -> None:
        if self.sample_rate > 0:
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self.flush()

    def sampled(self) -> bool:
        return self.sample_rate > 0 and self._random.random() < self.sample_rate

    def record(
        self,
        status: int,
        latency_ms: float,
        model_version: str,
        rows: list[dict[str, Any]] | None = None,
        predictions: list[float] | None = None,
        problem: str | None = None,
    ) -> None:
        """One record per row of a served request, or one for a refused request."""
        base = {
            "request_id": uuid.uuid4().hex,
            "logged_at": datetime.now(UTC),
            "status": status,
            "latency_ms": latency_ms,
            "model_version": model_version,
            "problem": problem,
        }
        empty = dict.fromkeys(self.features)
        if rows:
            records = [
                {**base, **empty, **row, "prediction": prediction}
                for row, prediction in zip(rows, predictions or [None] * len(rows), strict=True)
            ]
        else:
            records = [{**base, **empty, "prediction": None}]
        with self._lock:
            self._buffer.extend(records)

    def flush(self) -> Path | None:
        """Write the buffered records to a new file (under a temporary name, then renamed, so
        a reader never sees half a file)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        with self._lock:
            records, self._buffer = self._buffer, []
        if not records:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"requests-{stamp}-{uuid.uuid4().hex[:8]}.parquet"
        partial = path.with_suffix(".partial")
        pq.write_table(pa.Table.from_pylist(records, schema=self._schema()), partial)
        partial.replace(path)
        return path

    def _schema(self):
        import pyarrow as pa

        return pa.schema(
            [
                ("request_id", pa.string()),
                ("logged_at", pa.timestamp("us", tz="UTC")),
                ("status", pa.int16()),
                ("latency_ms", pa.float64()),
                ("model_version", pa.string()),
                *((name, pa.type_for_alias(kind)) for name, kind in self.features.items()),
                ("prediction", pa.float64()),
                ("problem", pa.string()),
            ]
        )

    def _flush_every(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            self.flush()
