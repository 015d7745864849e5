"""Concurrent requests answered by one call of the model: while the model works on a batch,
requests that arrive wait in line, and the next call takes all of them (up to the largest
batch). One row costs the scikit-learn pipeline nearly as much as forty, so under load this
multiplies throughput; a request alone is predicted at once, with no waiting window.

The model runs on one worker thread, so the event loop keeps taking requests meanwhile. Each
request comes with the model it was checked against, and a call takes only requests for the
same model, whose version each response names. If a call fails, its requests are scored one
by one, so a request whose rows the model cannot score fails alone.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .loader import LoadedModel


def _one_thread_per_model() -> None:
    from threadpoolctl import threadpool_limits

    # Small batches: OpenMP threads (HistGradientBoosting) would only fight each other and
    # the event loop, costing tens of ms per call on a busy host.
    threadpool_limits(1)


class Batcher:
    def __init__(self, score: Callable[[Any, list[dict]], list[float]], max_rows: int):
        """`score(model, rows)`: the predictions of `model` for `rows`, in order."""
        self.score, self.max_rows = score, max_rows
        self._waiting: list[tuple[list[dict], LoadedModel, asyncio.Future]] = []
        self._running = False
        self._executor = ThreadPoolExecutor(1, "model", initializer=_one_thread_per_model)

    async def predict(
        self, rows: list[dict], served: LoadedModel
    ) -> tuple[LoadedModel, list[float]]:
        """The predictions of `served` (the model the request was checked against) for `rows`."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((rows, served, future))
        if not self._running:
            self._running = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def _take(self) -> tuple[LoadedModel, list[tuple[list[dict], asyncio.Future]]]:
        """The model of the first waiting request, and the waiting requests for that same
        model, in order, that fit in one call (a request for another model, during a swap,
        waits for a call of its own)."""
        served = self._waiting[0][1]
        taken, kept, count = [], [], 0
        for rows, model, future in self._waiting:
            if model is served and (not taken or count + len(rows) <= self.max_rows):
                taken.append((rows, future))
                count += len(rows)
            else:
                kept.append((rows, model, future))
        self._waiting = kept
        return served, taken

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                served, batch = self._take()
                rows = [row for request_rows, _ in batch for row in request_rows]
                try:
                    scores = await loop.run_in_executor(
                        self._executor, self.score, served.model, rows
                    )
                except Exception as error:
                    if len(batch) == 1:
                        _fail(batch[0][1], error)
                    else:  # one request's rows must not fail the others: each on its own
                        await self._one_by_one(served, batch)
                    continue
                start = 0
                for request_rows, future in batch:
                    _answer(future, (served, scores[start : start + len(request_rows)]))
                    start += len(request_rows)
        finally:
            self._running = False

    async def _one_by_one(self, served: LoadedModel, batch) -> None:
        loop = asyncio.get_running_loop()
        for request_rows, future in batch:
            try:
                scores = await loop.run_in_executor(
                    self._executor, self.score, served.model, request_rows
                )
            except Exception as error:  # every waiting request learns it, none hangs
                _fail(future, error)
            else:
                _answer(future, (served, scores))


def _answer(future: asyncio.Future, result) -> None:
    if not future.done():  # a client that went away has cancelled its future
        future.set_result(result)


def _fail(future: asyncio.Future, error: Exception) -> None:
    if not future.done():
        future.set_exception(error)
