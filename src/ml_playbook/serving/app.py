"""The web service: `/predict` answers with the served model, `/health`, `/ready` and
`/metrics` tell operators and Prometheus how it is doing.

A bad request gets a 4xx whose message names the field and what is wrong with it: 422 for
a body that breaks the contract, 415 for a body that is not JSON, 413 for one too large.
"""

import json
import time
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from .batching import Batcher
from .contract import PredictResponse, request_model, rows_of
from .loader import AliasPoller, ModelSlot
from .metrics import CONTENT_TYPE, ServiceMetrics
from .request_log import RequestLog

ROUTES = ("/predict", "/health", "/ready", "/metrics")
# Room per row in a request body (a row is a few hundred bytes of JSON); beyond it, 413.
BYTES_PER_ROW = 4096


def create_app(
    params,
    slot: ModelSlot,
    request_log: RequestLog | None = None,
    poller: AliasPoller | None = None,
) -> FastAPI:
    """The service on the model in `slot` (`params`: the project's checked params); the
    request log and the alias poller, if given, start and stop with it."""
    from ..modeling import inputs
    from ..modeling.metrics import model_scores

    settings = params.serve
    body_type = request_model(params, settings.max_batch_rows)
    metrics = ServiceMetrics()
    numeric, categorical = params.train.numeric_features, params.train.categorical_features
    features = params.train.features

    def score(model, rows: list[dict]) -> list[float]:
        import pandas as pd

        frame = inputs.features(
            pd.DataFrame.from_records(rows, columns=features), numeric, categorical
        )
        return model_scores(model, frame, params.task).tolist()

    batcher = Batcher(slot, score, settings.max_batch_rows)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        for worker in (poller, request_log):
            if worker is not None:
                worker.start()
        yield
        if poller is not None:
            poller.stop()
        if request_log is not None:
            request_log.close()
        batcher.close()

    app = FastAPI(
        title=f"{params.registry.model_name} service",
        summary="Predictions from the registry's model, with health, readiness and metrics.",
        lifespan=lifespan,
    )

    @app.post(
        "/predict",
        response_model=PredictResponse,
        responses={
            413: {"description": "Body larger than the largest batch allows"},
            415: {"description": "Body is not JSON"},
        },
    )
    async def predict(
        body: Annotated[body_type, Body(description="one row of features, or {'rows': [...]}")],
        request: Request,
    ) -> Any:
        """Predict for one row or a batch; the response names the model version that answered."""
        rows = rows_of(body)
        refuse_unseen_categories(rows, batch=hasattr(body, "rows"), known=slot.current.categories)
        served, scores = await batcher.predict(rows)
        request.state.served = (served.version, rows, scores)
        content = {
            "model": {"name": served.name, "version": served.version, "alias": served.alias},
            "predictions": scores,
        }
        if served.threshold is not None:  # the version's own, chosen by `evaluate`
            content["decisions"] = [int(score >= served.threshold) for score in scores]
            content["threshold"] = served.threshold
        return Response(
            json.dumps(content),
            media_type="application/json",
            headers={"X-Model-Version": served.version},
        )

    @app.get("/health")
    async def health() -> dict[str, str]:
        """The process is up (it may still be loading a model)."""
        return {"status": "ok"}

    @app.get("/ready")
    async def ready() -> dict[str, Any]:
        """A model is loaded and answering: which name, version and alias."""
        served = slot.current
        return {
            "ready": True,
            "model": {"name": served.name, "version": served.version, "alias": served.alias},
        }

    @app.get("/metrics")
    async def prometheus() -> Response:
        """Request counts by status, the latency histogram and the served model version."""
        return Response(metrics.render(slot.current), media_type=CONTENT_TYPE)

    @app.exception_handler(RequestValidationError)
    async def refused(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [_problem(item, features) for item in error.errors()]
        request.state.problem = "; ".join(sorted({logged for _, logged in problems}))
        shown = [text for text, _ in problems]
        return JSONResponse(
            status_code=422,
            content={
                "error": shown[0] + (f" (and {len(shown) - 1} more)" if len(shown) > 1 else ""),
                "problems": shown,
            },
        )

    app.add_middleware(
        Observed,
        metrics=metrics,
        request_log=request_log,
        slot=slot,
        max_body=settings.max_batch_rows * BYTES_PER_ROW,
    )
    return app


def refuse_unseen_categories(rows: list[dict], batch: bool, known: dict[str, list[str]]) -> None:
    """A 422 for a category the served model was not trained on (`known`): the schema may
    leave a feature open (any country), but the model would silently read such a value as
    none of its categories, and `predict` refuses it the same way."""
    from ..modeling.categories import never_seen, unseen_categories

    if unseen := unseen_categories(rows, known):
        raise RequestValidationError(
            [
                {
                    "type": "unseen_category",
                    "loc": ("body", "rows", number, column) if batch else ("body", column),
                    "msg": f"this value {never_seen(known[column])}",
                }
                for number, column in unseen
            ]
        )


def _problem(item: dict, features: list[str]) -> tuple[str, str]:
    """(a one-line message naming the field, what the log may keep: known names only)."""
    path = [part for part in item.get("loc", ()) if part not in ("body", "row", "batch")]
    field = ""
    for part in path:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    kind = item.get("type", "invalid")
    if kind == "json_invalid":
        return f"the body is not valid JSON: {item.get('ctx', {}).get('error', 'syntax')}", kind
    named = field or "body"
    logged_name = path[-1] if path and path[-1] in features else ("body" if not path else "field")
    message = item.get("msg", "invalid value")
    if kind == "extra_forbidden":
        message = f"unknown field (the features are: {', '.join(features)})"
    elif kind == "missing" and not path:
        message = 'the body is empty: send one row or {"rows": [...]} as JSON'
    elif kind == "missing":
        message = "required feature is missing"
    return f"{named}: {message}", f"{logged_name}:{kind}"


class Observed:
    """Times every request, counts it by status, refuses non-JSON and oversized bodies on
    /predict before they are read, and logs a sample of /predict for the monitor."""

    def __init__(self, app, metrics: ServiceMetrics, request_log, slot: ModelSlot, max_body: int):
        self.app, self.metrics, self.request_log = app, metrics, request_log
        self.slot, self.max_body = slot, max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path = scope["path"] if scope["path"] in ROUTES else "other"
        status = 500

        async def sending(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            refusal = _refusal(scope, self.max_body) if path == "/predict" else None
            if refusal is not None:
                response, problem = refusal
                scope.setdefault("state", {})["problem"] = problem
                await response(scope, receive, sending)
            else:
                await self.app(scope, receive, sending)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.observe(path, status, elapsed)
            if path == "/predict" and self.request_log is not None and self.request_log.sampled():
                self._log(scope.get("state", {}), status, elapsed)

    def _log(self, state: dict, status: int, elapsed: float) -> None:
        version, rows, scores = state.get("served", (self.slot.current.version, None, None))
        self.request_log.record(status, elapsed * 1000, version, rows, scores, state.get("problem"))


def _refusal(scope, max_body: int) -> tuple[Response, str] | None:
    headers = dict(scope["headers"])
    media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    if scope["method"] == "POST" and media != b"application/json":
        shown = media.decode("latin-1") or "none"
        return JSONResponse(
            status_code=415,
            content={"error": f"content type {shown}: send the body as application/json"},
        ), "body:content_type"
    length = headers.get(b"content-length", b"0")
    if length.isdigit() and int(length) > max_body:
        return JSONResponse(
            status_code=413,
            content={"error": f"body of {int(length)} bytes is over the {max_body} allowed"},
        ), "body:too_large"
    return None
