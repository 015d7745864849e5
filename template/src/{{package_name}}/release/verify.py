"""The post-deploy check: replay the committed example set against a running service and
compare its answers with the offline predictions of the version it says it serves."""

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from ..config import Params
from ..errors import ProjectError
from .moves import alias_version, client_for
from .record import CHAMPION

TIMEOUT_SECONDS = 10


def _call(url: str, body: dict | None = None) -> dict:
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
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise ProjectError(f"{url}: cannot reach the service ({error})") from None
    except json.JSONDecodeError:
        raise ProjectError(f"{url} did not answer JSON: is this the model service?") from None


def verify(root: Path, params: Params, url: str, expected_version: str | None) -> list[str]:
    """Problems found (empty: the service is the expected model and answers in time)."""
    import mlflow.sklearn

    from ..models import inputs
    from ..models.metrics import model_scores
    from ..stages import read_table

    if not url.startswith(("http://", "https://")):
        raise ProjectError(f"'{url}' is not an http(s) URL: give e.g. http://127.0.0.1:8000")
    base = url.rstrip("/")
    name = params.registry.model_name
    client = client_for(root)
    expected = expected_version or alias_version(client, name, CHAMPION)
    if expected is None:
        raise ProjectError(f"'{name}' has no champion: pass --version to say what should be served")
    examples = read_table(root / params.release.verify_examples)
    features = inputs.features(examples, params.train)
    served = _call(f"{base}/ready")["model"]
    problems = []
    if served.get("name") != name or str(served.get("version")) != expected:
        problems.append(
            f"the service serves {served.get('name')} v{served.get('version')}, "
            f"expected {name} v{expected}"
        )
    model = mlflow.sklearn.load_model(f"models:/{name}/{served.get('version', expected)}")
    offline = model_scores(model, features, params.task)
    # The examples as written (counts stay integers), not the model's float frame.
    rows = examples[list(features.columns)].to_dict(orient="records")
    answer = _call(f"{base}/predict", {"rows": rows})
    online = np.asarray(answer["predictions"], dtype=float)
    tolerance = params.release.verify_tolerance
    if online.shape != offline.shape:
        problems.append(f"{len(online)} predictions for {len(offline)} examples")
    else:
        wrong = np.flatnonzero(np.abs(online - offline) > tolerance)
        problems += [
            f"example {i}: served {float(online[i])!r}, offline {float(offline[i])!r} "
            f"(v{served.get('version')})"
            for i in wrong[:10]
        ]
        if len(wrong) > 10:
            problems.append(f"... and {len(wrong) - 10} more examples differ")
    # Single-row requests, timed (the example set, repeated if short).
    count = params.release.verify_latency_requests
    timings = []
    for row in (rows * (count // max(len(rows), 1) + 1))[:count]:
        started = time.perf_counter()
        _call(f"{base}/predict", row)
        timings.append((time.perf_counter() - started) * 1000)
    p99 = float(np.percentile(timings, 99))
    if p99 > params.release.verify_max_p99_ms:
        problems.append(
            f"p99 latency {p99:.1f} ms is over the {params.release.verify_max_p99_ms} ms allowed"
        )
    return problems
