"""What happens to every request around the endpoints: it is timed and counted by status; a
/predict is refused before the endpoint when its body is not JSON (415), too large (413: from
its declared length, else counted while it is read, whatever its framing, chunked too) or does
not arrive in time (408); and a sample of /predict goes to the request log."""

import asyncio
import time

from fastapi.responses import JSONResponse, Response

from .loader import ModelSlot
from .metrics import ServiceMetrics

ROUTES = ("/predict", "/health", "/ready", "/metrics")
# Room per row in a request body (a row is a few hundred bytes of JSON); beyond it, 413.
BYTES_PER_ROW = 4096
# A request body must arrive whole within this many seconds (a stalled client gets a 408).
BODY_SECONDS = 10.0


class BodyRefused(Exception):
    """A /predict body refused while it is read: the status, the error shown, and what the
    request log keeps."""

    def __init__(self, status: int, error: str, problem: str):
        super().__init__(error)
        self.status, self.error, self.problem = status, error, problem


class Observed:
    """Times every request, counts it by status, refuses non-JSON and oversized bodies on
    /predict (an oversized one as soon as it is known: from its declared length, else while it
    is read), and logs a sample of /predict for the monitor."""

    def __init__(
        self,
        app,
        metrics: ServiceMetrics,
        request_log,
        slot: ModelSlot,
        max_body: int,
        body_seconds: float,
    ):
        self.app, self.metrics, self.request_log = app, metrics, request_log
        self.slot, self.max_body, self.body_seconds = slot, max_body, body_seconds

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
            if refusal is None and path == "/predict" and scope["method"] == "POST":
                try:
                    receive = _replay(await self._read(receive), receive)
                except BodyRefused as refused:
                    refusal = (
                        JSONResponse(status_code=refused.status, content={"error": refused.error}),
                        refused.problem,
                    )
            if refusal is not None:
                response, problem = refusal
                scope.setdefault("state", {})["problem"] = problem
                await response(scope, receive, sending)
            else:
                await self.app(scope, receive, sending)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.observe(path, status, elapsed)
            problem = scope.get("state", {}).get("problem")
            if path == "/predict" and 400 <= status < 500 and problem:
                self.metrics.refused(problem)
            if path == "/predict" and self.request_log is not None and self.request_log.sampled():
                self._log(scope.get("state", {}), status, elapsed)

    async def _read(self, receive) -> bytes:
        """The whole body, counted as it arrives: BodyRefused as soon as it passes the limit,
        or when it has not arrived within `body_seconds`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_seconds
        chunks, size = [], 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0.0))
            except TimeoutError:
                raise BodyRefused(
                    408,
                    f"the body did not arrive within {self.body_seconds:g} s: send it whole",
                    "body:timeout",
                ) from None
            if message["type"] != "http.request":  # the client went away
                raise BodyRefused(400, "the client disconnected", "body:disconnected")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise BodyRefused(
                    413,
                    f"body over the {self.max_body} bytes allowed (at least {size} sent)",
                    "body:too_large",
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _log(self, state: dict, status: int, elapsed: float) -> None:
        served = self.slot.current
        default = (served.version if served is not None else "", None, None)
        version, rows, scores = state.get("served", default)
        self.request_log.record(status, elapsed * 1000, version, rows, scores, state.get("problem"))


def _replay(body: bytes, client):
    """A `receive` that gives the app the body already read, then listens to the client."""
    given = False

    async def receive():
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await client()

    return receive


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
