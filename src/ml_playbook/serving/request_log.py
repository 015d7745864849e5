"""A sample of requests and responses, written as Parquet files the monitor reads (DuckDB
queries the folder as one table). Only the model's features, the prediction and request
metadata are kept: the contract refuses any other field, so no identifier can reach the log,
and a refused request is logged with the names of the failing features only, not its values.
Files older than the retention are deleted; nothing else is ever touched.
"""

import contextlib
import logging
import os
import random
import re
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# The log's own columns and their types (no feature may take one of their names).
from ..project.request_log_layout import (
    ANSWER_COLUMNS,
    METADATA_COLUMNS,
    UTC_MICROSECONDS,
)

STAMP = "%Y%m%dT%H%M%S"
# The names flush() gives its files (and their temporary names): the only files pruned.
LOG_FILE = re.compile(r"requests-(\d{8}T\d{6})-[0-9a-f]{8}\.(?:parquet|partial)")
PRUNE_EVERY_SECONDS = 3600.0

logger = logging.getLogger(__name__)


class RequestLog:
    def __init__(
        self,
        folder: Path,
        features: dict[str, str],
        sample_rate: float,
        flush_seconds: float,
        retention_days: float | None = None,
    ):
        """`features`: each feature's Arrow type name (int64, double, string), in order;
        `retention_days`: how long a file is kept (None: for ever)."""
        self.folder, self.features, self.sample_rate = folder, features, sample_rate
        self.retention = None if retention_days is None else timedelta(days=retention_days)
        self._buffer: list[dict[str, Any]] = []
        # Records a failed write lost (a count /metrics shows, so none goes unnoticed).
        self.dropped = 0
        self._lock = threading.Lock()
        self._random = random.Random()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._flush_every, args=(flush_seconds,), name="request-log", daemon=True
        )

    def start(self) -> None:
        self._prune_logging_problems()
        if self.sample_rate > 0:
            self._thread.start()

    def close(self) -> None:
        """Write what is buffered; a flush under way in the thread finishes first."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self._flush_reporting_failure()

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
        a reader never sees half a file). If the write fails, its records are counted in
        `dropped` and the error is raised: the buffer is already taken, so the next flush
        writes only what came after."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        with self._lock:
            records, self._buffer = self._buffer, []
        if not records:
            return None
        stamp = datetime.now(UTC).strftime(STAMP)
        path = self.folder / f"requests-{stamp}-{uuid.uuid4().hex[:8]}.parquet"
        partial = path.with_suffix(".partial")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(records, schema=self._schema()), partial)
            partial.replace(path)
        except BaseException:
            with self._lock:
                self.dropped += len(records)
            with contextlib.suppress(OSError):  # no half file left, and the first error told
                partial.unlink(missing_ok=True)
            raise
        return path

    def metric_lines(self) -> list[str]:
        """The log's counter in Prometheus' text format, for /metrics."""
        return [
            "# HELP request_log_dropped_total Sampled records lost because writing them failed.",
            "# TYPE request_log_dropped_total counter",
            f"request_log_dropped_total {self.dropped}",
        ]

    def _schema(self):
        import pyarrow as pa

        columns = {**METADATA_COLUMNS, **self.features, **ANSWER_COLUMNS}
        return pa.schema(
            [
                (
                    name,
                    pa.timestamp("us", tz="UTC")
                    if kind == UTC_MICROSECONDS
                    else pa.type_for_alias(kind),
                )
                for name, kind in columns.items()
            ]
        )

    def _flush_reporting_failure(self) -> None:
        """flush(), where a failed write is one line on stderr: the thread, and the log, go on
        with the next records."""
        try:
            self.flush()
        except Exception as error:  # any failure of one write must not end the log
            reason = str(error).splitlines()[0] if str(error) else ""
            print(
                f"request log: a write failed, its records are dropped "
                f"({self.dropped} in all): {type(error).__name__}: {reason}",
                file=sys.stderr,
                flush=True,
            )

    def prune(self, now: datetime | None = None) -> list[Path]:
        """Delete the log files written before `now` minus the retention; return them.

        A file's name holds the second it was written in, after every row in it, so no row
        younger than the retention goes. Only regular files directly in the folder and named as
        flush() names them are deleted: not subfolders, symlinks or anyone else's files."""
        if self.retention is None or not self.folder.is_dir():
            return []
        cutoff = (now or datetime.now(UTC)) - self.retention
        deleted = []
        with os.scandir(self.folder) as entries:
            for entry in entries:
                written = _written_at(entry.name)
                if written and written < cutoff and entry.is_file(follow_symlinks=False):
                    Path(entry.path).unlink(missing_ok=True)  # another replica may be first
                    deleted.append(Path(entry.path))
        return deleted

    def _prune_logging_problems(self) -> None:
        """prune(), where a failure (permissions, a vanished folder) is a warning: the service
        and its flushing go on."""
        try:
            if deleted := self.prune():
                logger.info("request log: deleted %d files past retention", len(deleted))
        except OSError as error:
            logger.warning("request log: old files not deleted (%s)", error)

    def _flush_every(self, seconds: float) -> None:
        pruned = time.monotonic()
        while not self._stop.wait(seconds):
            self._flush_reporting_failure()
            if time.monotonic() - pruned >= PRUNE_EVERY_SECONDS:
                self._prune_logging_problems()
                pruned = time.monotonic()


def _written_at(name: str) -> datetime | None:
    """The end of the second flush() wrote the file called `name` in (its newest row is no
    younger); None for a name flush() does not give."""
    match = LOG_FILE.fullmatch(name)
    try:
        second = datetime.strptime(match[1], STAMP).replace(tzinfo=UTC) if match else None
    except ValueError:  # digits that are no date
        return None
    return second + timedelta(seconds=1) if second else None
