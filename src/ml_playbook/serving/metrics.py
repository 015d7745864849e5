"""Prometheus metrics of the service, in the text exposition format (version 0.0.4).

A few families are all the service needs (request counts by path and status, a latency
histogram, refusals by field and kind, values outside the training range, the served model and how following its alias
goes), so they are written here rather than adding a client library.
"""

import bisect
import threading
import time
from collections import Counter

from .loader import ModelSlot

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds; the upper bounds of the latency histogram's buckets.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
STATES = ("loading", "ready", "stale", "failed")


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _family(name: str, kind: str, text: str) -> list[str]:
    return [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]


class ServiceMetrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, int]] = Counter()
        self._outside: Counter[tuple[str, str]] = Counter()
        self._refusals: Counter[tuple[str, str]] = Counter()
        self._bucket_counts = [0] * (len(BUCKETS) + 1)
        self._latency_sum = 0.0

    def observe(self, path: str, status: int, seconds: float) -> None:
        with self._lock:
            self._requests[(path, status)] += 1
            if path == "/predict":
                self._bucket_counts[bisect.bisect_left(BUCKETS, seconds)] += 1
                self._latency_sum += seconds

    def refused(self, problem: str) -> None:
        """Count a refused /predict by each of its problems ("monthly_fee:greater_than_equal;
        body:too_large": a known feature, `field` or `body`, and the kind of problem)."""
        with self._lock:
            for item in problem.split("; "):
                field, _, kind = item.partition(":")
                self._refusals[(field, kind)] += 1

    def outside_range(self, features: list[str], action: str) -> None:
        """Count values outside the training range, by feature and what was done (flagged,
        refused)."""
        with self._lock:
            for feature in features:
                self._outside[(feature, action)] += 1

    def render(self, slot: ModelSlot) -> str:
        with self._lock:
            requests, outside = sorted(self._requests.items()), sorted(self._outside.items())
            refusals = sorted(self._refusals.items())
            counts, total = list(self._bucket_counts), self._latency_sum
        lines = [
            *_family("http_requests_total", "counter", "Requests handled, by path and status."),
            *(
                f'http_requests_total{{path="{_label(path)}",status="{status}"}} {count}'
                for (path, status), count in requests
            ),
            *_family(
                "predict_latency_seconds",
                "histogram",
                "Time to answer /predict, from request to response.",
            ),
        ]
        cumulative = 0
        for bound, count in zip((*BUCKETS, "+Inf"), counts, strict=True):
            cumulative += count
            lines.append(f'predict_latency_seconds_bucket{{le="{bound}"}} {cumulative}')
        lines += [
            f"predict_latency_seconds_sum {total}",
            f"predict_latency_seconds_count {cumulative}",
            *_family(
                "predict_refusals_total",
                "counter",
                "Problems of refused /predict requests, by field and kind.",
            ),
            *(
                f'predict_refusals_total{{field="{_label(field)}",kind="{_label(kind)}"}} {count}'
                for (field, kind), count in refusals
            ),
            *_family(
                "predict_outside_training_range_total",
                "counter",
                "Feature values outside the range seen in training, by feature and action.",
            ),
            *(
                f'predict_outside_training_range_total{{feature="{_label(feature)}",'
                f'action="{action}"}} {count}'
                for (feature, action), count in outside
            ),
        ]
        return "\n".join(lines + self._model_lines(slot)) + "\n"

    def _model_lines(self, slot: ModelSlot) -> list[str]:
        served, lookup, state = slot.current, slot.lookup, slot.state
        lines = [
            *_family("service_state", "gauge", "1 for the service's state, 0 for the others."),
            *(f'service_state{{state="{s}"}} {int(s == state)}' for s in STATES),
        ]
        if slot.ready_after is not None:
            lines += _family(
                "service_start_to_ready_seconds", "gauge", "From start to the first model served."
            )
            lines.append(f"service_start_to_ready_seconds {slot.ready_after:.3f}")
        if served is not None:
            lines += [
                *_family("served_model_info", "gauge", "The model answering /predict (always 1)."),
                f'served_model_info{{name="{_label(served.name)}",version="{served.version}",'
                f'alias="{_label(served.alias or "")}"}} 1',
                *_family(
                    "served_model_version", "gauge", "The version number of the served model."
                ),
                f"served_model_version {served.version}",
            ]
        lines += _family(
            "model_reload_failures_total",
            "counter",
            "Look-ups of the alias that could not serve what it points at.",
        )
        lines.append(f"model_reload_failures_total {slot.reload_failures}")
        if lookup is not None:
            lines += [
                *_family(
                    "model_lookup_age_seconds",
                    "gauge",
                    "Seconds since the alias was last looked up.",
                ),
                f"model_lookup_age_seconds {max(time.time() - lookup.at, 0.0):.3f}",
                *_family(
                    "model_lookup_ok",
                    "gauge",
                    "1 if the last look-up served what the alias points at.",
                ),
                f"model_lookup_ok {int(lookup.error is None)}",
            ]
            if lookup.error is not None:
                lines += [
                    *_family("model_lookup_error_info", "gauge", "Why the last look-up failed."),
                    f'model_lookup_error_info{{version="{_label(lookup.version or "")}",'
                    f'error="{_label(lookup.error[:300])}"}} 1',
                ]
        return lines
