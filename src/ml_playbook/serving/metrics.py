"""Prometheus metrics of the service, in the text exposition format (version 0.0.4).

Three families are all the service needs (request counts by path and status, a latency
histogram, the served model), so they are written here rather than adding a client library.
"""

import bisect
import threading
from collections import Counter

from .loader import LoadedModel

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds; the upper bounds of the latency histogram's buckets.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class ServiceMetrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, int]] = Counter()
        self._bucket_counts = [0] * (len(BUCKETS) + 1)
        self._latency_sum = 0.0

    def observe(self, path: str, status: int, seconds: float) -> None:
        with self._lock:
            self._requests[(path, status)] += 1
            if path == "/predict":
                self._bucket_counts[bisect.bisect_left(BUCKETS, seconds)] += 1
                self._latency_sum += seconds

    def render(self, served: LoadedModel) -> str:
        with self._lock:
            requests = sorted(self._requests.items())
            counts, total = list(self._bucket_counts), self._latency_sum
        lines = [
            "# HELP http_requests_total Requests handled, by path and status code.",
            "# TYPE http_requests_total counter",
            *(
                f'http_requests_total{{path="{_label(path)}",status="{status}"}} {count}'
                for (path, status), count in requests
            ),
            "# HELP predict_latency_seconds Time to answer /predict, from request to response.",
            "# TYPE predict_latency_seconds histogram",
        ]
        cumulative = 0
        for bound, count in zip((*BUCKETS, "+Inf"), counts, strict=True):
            cumulative += count
            lines.append(f'predict_latency_seconds_bucket{{le="{bound}"}} {cumulative}')
        lines += [
            f"predict_latency_seconds_sum {total}",
            f"predict_latency_seconds_count {cumulative}",
            "# HELP served_model_info The model answering /predict (value is always 1).",
            "# TYPE served_model_info gauge",
            f'served_model_info{{name="{_label(served.name)}",version="{served.version}",'
            f'alias="{_label(served.alias or "")}"}} 1',
            "# HELP served_model_version The version number of the served model.",
            "# TYPE served_model_version gauge",
            f"served_model_version {served.version}",
        ]
        return "\n".join(lines) + "\n"
