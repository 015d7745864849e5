"""The web service: `/predict` answers with the served model, `/health`, `/ready` and
`/metrics` tell operators and Prometheus how it is doing, `/docs` documents it (Swagger UI's
files served by the service itself, so it works offline).

The service answers from the moment it listens: `/health` at once, `/ready` 503 "loading"
until the first model is loaded, and a `/predict` sent meanwhile waits for it.

A bad request gets a 4xx whose message says what is wrong: 422 for a body that breaks the
contract (naming the field), 400 for bytes that are not JSON a row can be read from (not UTF-8,
nested too deep, a number too long), 415 for a body that is not JSON, 413 for one too large —
counted while it is read, whatever its framing (chunked too) — and 408 for one that does not
arrive in time.
"""

import asyncio
import json
import sys
import time
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import Body, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from .batching import Batcher
from .contract import PredictResponse, outside_training_range, request_model, rows_of
from .loader import Follower, ModelSlot
from .metrics import CONTENT_TYPE, ServiceMetrics
from .middleware import BODY_SECONDS, BYTES_PER_ROW, Observed
from .request_log import RequestLog

# A /predict sent while the first model loads waits this long for it, then gets a 503.
LOADING_WAIT_SECONDS = 30.0
# What to do with a value outside the range the served version was trained on.
OutOfRange = Literal["flag", "refuse"]


def create_app(
    params,
    slot: ModelSlot,
    request_log: RequestLog | None = None,
    follower: Follower | None = None,
    out_of_range: OutOfRange = "flag",
    body_seconds: float = BODY_SECONDS,
) -> FastAPI:
    """The service on the model in `slot` (`params`: the project's checked params); the
    request log and the follower (which loads the model and follows its alias), if given,
    start and stop with it. `out_of_range`: flag a value outside the training range in the
    answer, or refuse the request (422); counted in /metrics either way."""
    from fastapi_offline import FastAPIOffline

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

    batcher = Batcher(score, settings.max_batch_rows)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        for worker in (follower, request_log):
            if worker is not None:
                worker.start()
        yield
        if follower is not None:
            follower.stop()
        if request_log is not None:
            request_log.close()
        batcher.close()

    app = FastAPIOffline(
        title=f"{params.registry.model_name} service",
        summary="Predictions from the registry's model, with health, readiness and metrics.",
        lifespan=lifespan,
    )

    @app.post(
        "/predict",
        response_model=PredictResponse,
        responses={
            400: {"description": "Body is not JSON a row can be read from"},
            408: {"description": "Body did not arrive in time"},
            413: {"description": "Body larger than the largest batch allows"},
            415: {"description": "Body is not JSON"},
            503: {"description": "The model is still loading, or could not be loaded"},
        },
    )
    async def predict(
        body: Annotated[body_type, Body(description="one row of features, or {'rows': [...]}")],
        request: Request,
    ) -> Any:
        """Predict for one row or a batch; the response names the model version that answered,
        and flags any value outside the range the version was trained on."""
        waited = 0.0
        while slot.current is None and not slot.failure and waited < LOADING_WAIT_SECONDS:
            await asyncio.sleep(0.05)
            waited += 0.05
        # One model per request: checked against and scored by the same version, whatever a
        # swap does meanwhile.
        served = slot.current
        if served is None:
            return _not_ready(slot)
        rows = rows_of(body)
        batch = hasattr(body, "rows")
        refuse_unseen_categories(rows, batch, known=served.categories)
        outside = outside_training_range(rows, served.ranges)
        if outside:
            action = "refused" if out_of_range == "refuse" else "flagged"
            metrics.outside_range([feature for _, feature, _ in outside], action)
            if out_of_range == "refuse":
                raise RequestValidationError(
                    [
                        {
                            "type": "outside_training_range",
                            "loc": ("body", "rows", number, feature)
                            if batch
                            else ("body", feature),
                            "msg": text,
                        }
                        for number, feature, text in outside
                    ]
                )
            request.state.problem = "; ".join(
                sorted({f"{feature}:outside_training_range" for _, feature, _ in outside})
            )
        served, scores = await batcher.predict(rows, served)
        request.state.served = (served.version, rows, scores)
        content: dict[str, Any] = {
            "model": {"name": served.name, "version": served.version, "alias": served.alias},
            "predictions": scores,
        }
        if served.threshold is not None:  # the version's own, chosen by `evaluate`
            content["decisions"] = [int(score >= served.threshold) for score in scores]
            content["threshold"] = served.threshold
        if outside:
            content["flags"] = [
                f"{f'rows[{number}].' if batch else ''}{feature}: {text}"
                for number, feature, text in outside
            ]
        return Response(
            json.dumps(content),
            media_type="application/json",
            headers={"X-Model-Version": served.version},
        )

    @app.get("/health")
    async def health() -> dict[str, str]:
        """The process is up (it answers while the model loads); `model` says how that goes."""
        return {"status": "ok", "model": slot.state}

    @app.get("/ready", responses={503: {"description": "Loading, or nothing could be loaded"}})
    async def ready() -> Any:
        """200 while a model answers: which name, version and alias, and the last look-up of
        the alias (when, and why what it points at is not served: then status is "stale").
        503 while the first model loads ("loading") or if it could not be ("failed")."""
        if slot.current is None:
            return _not_ready(slot)
        served = slot.current
        return {
            "ready": True,
            "status": slot.state,
            "model": {"name": served.name, "version": served.version, "alias": served.alias},
            "lookup": None if slot.lookup is None else slot.lookup.as_dict(time.time()),
            "start_to_ready_seconds": round(slot.ready_after or 0.0, 3),
        }

    @app.get("/metrics")
    async def prometheus() -> Response:
        """Request counts by status, the latency histogram, values outside the training
        range, the service's state, the served model version, the alias's last look-up and the
        request log's records lost to failed writes."""
        text = metrics.render(slot)
        if request_log is not None:
            text += "\n".join(request_log.metric_lines()) + "\n"
        return Response(text, media_type=CONTENT_TYPE)

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

    @app.exception_handler(HTTPException)
    async def unreadable(request: Request, error: HTTPException) -> Response:
        # FastAPI answers any failure to parse the body with a bare 400; say which it was.
        reason = _unreadable(error.__cause__) if error.status_code == 400 else None
        if reason is None:
            return await http_exception_handler(request, error)
        request.state.problem = reason[1]
        return JSONResponse(status_code=400, content={"error": reason[0]})

    app.add_middleware(
        Observed,
        metrics=metrics,
        request_log=request_log,
        slot=slot,
        max_body=settings.max_batch_rows * BYTES_PER_ROW,
        body_seconds=body_seconds,
    )
    return app


def _not_ready(slot: ModelSlot) -> JSONResponse:
    if slot.failure:
        content = {"ready": False, "status": "failed", "error": slot.failure}
    else:
        waited = time.monotonic() - slot.started
        content = {"ready": False, "status": "loading", "loading_seconds": round(waited, 3)}
    return JSONResponse(status_code=503, content=content, headers={"Retry-After": "1"})


def _unreadable(cause: BaseException | None) -> tuple[str, str] | None:
    """(what is wrong, what the log keeps) for a body FastAPI could not parse."""
    if isinstance(cause, UnicodeDecodeError):
        byte = cause.object[cause.start : cause.start + 1].hex()
        return (
            f"the body is not UTF-8 text (byte 0x{byte} at position {cause.start}): send JSON "
            "encoded as UTF-8",
            "body:not_utf8",
        )
    if isinstance(cause, RecursionError):
        return (
            'the body is nested too deeply to read: send one row or {"rows": [...]}',
            "body:too_deep",
        )
    if isinstance(cause, ValueError) and "integer string conversion" in str(cause):
        digits = sys.get_int_max_str_digits()
        return f"the body has a number of more than {digits} digits", "body:number_too_long"
    if cause is not None:
        return f"the body cannot be read as JSON ({type(cause).__name__})", "body:unreadable"
    return None


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
