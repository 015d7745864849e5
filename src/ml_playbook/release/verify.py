"""The post-deploy check: replay the committed examples (`release.verify_examples`) against a
running service and compare its answers with the offline predictions of the version it says
it serves; then time single-row requests against `release.verify_max_p99_ms`."""

import json
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np

from ..errors import ProjectError
from ..registry import CHAMPION, open_registry
from ..registry.moves import version_number

TIMEOUT_SECONDS = 10
# How long a service that is still loading its model is waited for.
LOADING_WAIT_SECONDS = 60.0
SHOWN_DIFFERENCES = 10


def _call(url: str, body: dict | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        headers={"Content-Type": "application/json"},
        method="POST" if data else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise ProjectError(f"{url} answered {error.code}: {error.read()[:200]!r}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, ValueError) as error:
        raise ProjectError(f"{url}: cannot reach the service ({error})") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ProjectError(f"{url} did not answer JSON: is this the model service?") from None


def examples(project):
    """The example rows as the service takes them: the model's features only (the file may
    hold the label and other columns), missing values as null."""
    from ..stage import read_table

    params = project.params
    relative = params.release.verify_examples
    path = project.path(relative)
    if not path.is_file():
        raise ProjectError(
            f"{relative}: no such file; release.verify_examples in params.yaml names the "
            "examples `release verify` replays (the features, as a CSV or Parquet file)"
        )
    table = read_table(path)
    features = params.train.features
    absent = [name for name in features if name not in table.columns]
    if absent:
        raise ProjectError(
            f"{relative} has no column(s) {', '.join(absent)}: the examples need every feature "
            "of params.yaml train"
        )
    if table.empty:
        raise ProjectError(f"{relative} has no rows: add the examples `release verify` replays")
    rows = table[features]
    return rows.astype(object).where(rows.notna(), None)


def _served_model(base: str) -> dict:
    """What the service says it serves, once it has loaded a model (a service just started
    answers 503 "loading" meanwhile: it is waited for, up to LOADING_WAIT_SECONDS)."""
    started = time.monotonic()
    answer = _ready_answer(f"{base}/ready")
    while answer.get("status") == "loading" and time.monotonic() - started < LOADING_WAIT_SECONDS:
        time.sleep(0.1)
        answer = _ready_answer(f"{base}/ready")
    if answer.get("status") in ("loading", "failed"):
        why = answer.get("error") or f"still loading after {LOADING_WAIT_SECONDS:g} s"
        raise ProjectError(f"{base} serves no model: {why}")
    served = answer.get("model") if isinstance(answer, dict) else None
    if not isinstance(served, dict):
        raise ProjectError(f"{base}/ready does not name the model it serves: is this the service?")
    return served


def _predictions(url: str, answer: object, count: int) -> np.ndarray:
    values = answer.get("predictions") if isinstance(answer, dict) else None
    try:
        return np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ProjectError(
            f"{url} answered no list of numbers under 'predictions' for {count} rows: is this "
            "the model service?"
        ) from None


def differences(online: np.ndarray, offline: np.ndarray, tolerance: float, version) -> list[str]:
    """The examples served differently from the offline predictions (the first few)."""
    if online.shape != offline.shape:
        return [f"{len(online)} predictions for {len(offline)} examples"]
    wrong = np.flatnonzero(~(np.abs(online - offline) <= tolerance))  # NaN differs too
    found = [
        f"example {i}: served {float(online[i])!r}, offline {float(offline[i])!r} (v{version})"
        for i in wrong[:SHOWN_DIFFERENCES]
    ]
    if len(wrong) > SHOWN_DIFFERENCES:
        found.append(f"... and {len(wrong) - SHOWN_DIFFERENCES} more examples differ")
    return found


def service_url(url: str) -> str:
    """`url` if it is an http(s) URL with a host (and a numeric port, if any); else
    ProjectError saying what to give."""
    try:
        parts = urllib.parse.urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        usable = False
    if not usable:
        raise ProjectError(f"'{url}' is not an http(s) URL: give e.g. http://127.0.0.1:8000")
    return url


def verify(project, url: str, expected_version: str | None, registry=None) -> list[str]:
    """Problems found (empty: the service is the expected model and answers in time)."""
    from ..modeling import inputs
    from ..modeling.metrics import model_scores

    service_url(url)
    registry = registry if registry is not None else open_registry(project)
    params = project.params
    base, name = url.rstrip("/"), params.registry.model_name
    expected = version_number(expected_version) if expected_version else None
    expected = expected or registry.alias(name, CHAMPION)
    if expected is None:
        raise ProjectError(f"'{name}' has no champion: pass --version to say what should be served")
    rows = examples(project)
    served = _served_model(base)
    problems = []
    if served.get("name") != name or str(served.get("version")) != str(expected):
        problems.append(
            f"the service serves {served.get('name')} v{served.get('version')}, "
            f"expected {name} v{expected}"
        )
    version = str(served.get("version", expected))
    train = params.train
    features = inputs.features(
        rows, train.numeric_features, train.categorical_features, params.release.verify_examples
    )
    offline = np.asarray(model_scores(registry.load(name, version), features, params.task))
    # The examples as written (counts stay integers), not the model's float frame.
    records = rows.to_dict(orient="records")
    answer = _call(f"{base}/predict", {"rows": records})
    online = _predictions(f"{base}/predict", answer, len(records))
    problems += differences(online, offline, params.release.verify_tolerance, version)
    p99 = p99_latency_ms(f"{base}/predict", records, params.release.verify_latency_requests)
    if p99 > params.release.verify_max_p99_ms:
        problems.append(
            f"p99 latency {p99:.1f} ms is over the {params.release.verify_max_p99_ms} ms allowed"
        )
    return problems


def p99_latency_ms(url: str, records: list[dict], count: int) -> float:
    """The 99th percentile of `count` single-row requests (the examples, repeated if short)."""
    timings = []
    for row in (records * (count // max(len(records), 1) + 1))[:count]:
        started = time.perf_counter()
        _call(url, row)
        timings.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(timings, 99))


def wait_until_served(url: str, version: str, timeout: float) -> float:
    """Seconds until the service at `url` says it serves `version`; ProjectError after
    `timeout` seconds, naming what it serves instead (and why, if it cannot load it)."""
    base, started = service_url(url).rstrip("/"), time.monotonic()
    answer: dict = {}
    unreachable = ""
    while time.monotonic() - started < timeout:
        try:
            answer, unreachable = _ready_answer(f"{base}/ready"), ""
        except ProjectError as error:
            answer, unreachable = {}, str(error)
        if str((answer.get("model") or {}).get("version")) == str(version):
            return time.monotonic() - started
        time.sleep(0.1)
    serving = (answer.get("model") or {}).get("version")
    why = (answer.get("lookup") or {}).get("error") or answer.get("error") or unreachable
    raise ProjectError(
        f"{base} does not serve v{version} after {timeout:g} s (it serves "
        f"{'v' + str(serving) if serving else 'nothing'}{f': {why}' if why else ''})"
    )


def _ready_answer(url: str) -> dict:
    """/ready's JSON, whether the service is ready (200) or not (503)."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            answer = json.loads(error.read())
        except (json.JSONDecodeError, UnicodeDecodeError):
            answer = {}
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise ProjectError(f"{url}: cannot reach the service ({error})") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ProjectError(f"{url} did not answer JSON: is this the model service?") from None
    return answer if isinstance(answer, dict) else {}
