"""Fixtures of the service's tests: two models per task trained once a session (the champion
and a weaker one), a project whose in-memory registry holds both (v1 champion, v2 not), and a
client that calls the app in this process — its lifespan (poller, request log) run around the
requests, no server and no socket."""

import asyncio
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from ml_playbook.modeling.metrics import CLASSIFICATION, model_scores
from ml_playbook.project.paths import EVALUATION_SET, MODEL
from ml_playbook.registry import CHAMPION, Candidate
from ml_playbook.registry.memory import MemoryRegistry
from tests.library.factory import fit, params_dict, write_project, write_sets

MAX_ROWS = 40
EXAMPLES = 25  # twice as many is more than MAX_ROWS: an oversized batch
SERVE = {
    "poll_seconds": 0.02,
    "log_sample_rate": 1.0,
    "log_flush_seconds": 0.05,
    "max_batch_rows": MAX_ROWS,
}


def data_section() -> dict:
    """The factory's data rules, with a ceiling on tenure (a range to break)."""
    data = params_dict()["data"]
    data["rules"]["tenure_months"] = {"type": "int", "min": 0, "max": 600}
    return data


@dataclass(frozen=True)
class Trained:
    """Two fitted models of one task and rows to ask them about."""

    champion: object
    weaker: object
    examples: list[dict]


@pytest.fixture(scope="session")
def trained(_trained_projects) -> dict[str, Trained]:
    """Each task's champion (the session's trained model, loaded: the same params and data) and
    a weaker model fitted beside it."""
    import joblib

    made = {}
    for task, project in _trained_projects.items():
        champion = joblib.load(project.root / MODEL)
        weaker_train = project.params.train.model_copy(update={"hyperparameters": {"max_iter": 3}})
        weaker = fit(project.with_params(train=weaker_train))
        rows = pd.read_parquet(project.root / EVALUATION_SET).head(EXAMPLES)
        examples = rows[project.params.train.features].to_dict(orient="records")
        made[task] = Trained(champion, weaker, examples)
    return made


@dataclass(frozen=True)
class Served:
    """A project to serve: its registry has v1 (champion) and v2 (the weaker model)."""

    project: object
    registry: MemoryRegistry
    models: Trained

    @property
    def name(self) -> str:
        return self.project.params.registry.model_name

    @property
    def examples(self) -> list[dict]:
        return [dict(row) for row in self.models.examples]

    def row(self, **changes) -> dict:
        return {**self.examples[0], **changes}

    def offline(self, version: str, rows: list[dict] | None = None) -> list[float]:
        """What the model of `version` predicts for `rows` outside the service."""
        model = self.registry.load(self.name, version)
        frame = pd.DataFrame.from_records(rows or self.examples)[self.project.params.train.features]
        return model_scores(model, frame, self.project.params.task).tolist()


def serve_project(
    root: Path, models: Trained, task: str = CLASSIFICATION, ranges: bool = False, **serve
) -> Served:
    """A project whose registry holds v1 (champion) and v2; `ranges`: v1 is registered with
    the training set's ranges, as `register` records them."""
    from ml_playbook.release.gate import training_range_metrics

    registry = MemoryRegistry()
    project = write_project(
        root, task, registry=registry, data=data_section(), serve={**SERVE, **serve}
    )
    name = project.params.registry.model_name
    metrics = {}
    if ranges:
        write_sets(project)
        metrics = training_range_metrics(project)
    for run, model in (("champion", models.champion), ("weaker", models.weaker)):
        registry.register(name, Candidate(model=model, run_name=run, metrics=metrics))
        metrics = {}
    registry.set_alias(name, CHAMPION, "1")
    return Served(project, registry, models)


def counting(model):
    """`model` (a fitted Pipeline) recording the number of rows of every call in `.calls`."""
    from sklearn.pipeline import Pipeline

    class Counting(Pipeline):
        def predict_proba(self, features, **options):
            self.calls.append(len(features))
            return super().predict_proba(features, **options)

    counted = Counting(model.steps)
    counted.calls = []
    return counted


@pytest.fixture
def served(tmp_path, trained) -> Served:
    """A classification project with v1 champion and v2 registered."""
    return serve_project(tmp_path / "project", trained[CLASSIFICATION])


def eventually(condition, seconds: float = 5.0):
    """What `condition()` returns once it is true; AssertionError after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.01)
    raise AssertionError(f"not true within {seconds} s")


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


class AppClient:
    """Calls an ASGI app in this process, from a synchronous test: the app runs on an event
    loop of its own thread (as under a server), started and stopped with its lifespan."""

    def __init__(self, app):
        self.app = app

    def __enter__(self) -> "AppClient":
        from anyio.from_thread import start_blocking_portal

        self._portal_context = start_blocking_portal()
        self.portal = self._portal_context.__enter__()
        self._lifespan = self.portal.wrap_async_context_manager(
            self.app.router.lifespan_context(self.app)
        )
        self._lifespan.__enter__()
        # The model loads after the app starts (as the server listens at once): wait for it.
        self.app.state.slot.settled.wait(timeout=10)
        return self

    def __exit__(self, *failure) -> None:
        try:
            self._lifespan.__exit__(*failure)
        finally:
            self._portal_context.__exit__(*failure)

    def get(self, path: str) -> Answer:
        return self.portal.call(self._call, "GET", path, b"", "")

    def post(self, path: str, payload=None, *, raw: bytes | None = None, content_type=None):
        """POST `payload` as JSON, or `raw` bytes as `content_type` (default JSON)."""
        body = json.dumps(payload).encode() if raw is None else raw
        kind = "application/json" if content_type is None else content_type
        return self.portal.call(self._call, "POST", path, body, kind)

    def post_all(self, path: str, payloads: list) -> list[Answer]:
        """POST each payload at the same time (as concurrent clients would)."""

        async def together():
            return await asyncio.gather(
                *(
                    self._call("POST", path, json.dumps(p).encode(), "application/json")
                    for p in payloads
                )
            )

        return self.portal.call(together)

    async def _call(self, method: str, path: str, body: bytes, content_type: str) -> Answer:
        headers = [(b"content-length", str(len(body)).encode())]
        if content_type:
            headers.append((b"content-type", content_type.encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        answered = asyncio.Event()
        delivered = False
        status, response_headers, chunks = 0, {}, []

        async def receive():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await answered.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            nonlocal status, response_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    answered.set()

        await self.app(scope, receive, send)
        return Answer(status, response_headers, b"".join(chunks))


@pytest.fixture
def client(served):
    from ml_playbook.serving.service import build_service

    with AppClient(build_service(served.project)) as running:
        yield running
