"""Concurrent requests answered by one call of the model: while the model works on a batch,
requests that arrive wait in line, and the next call takes all of them (up to the largest
batch). One row costs the scikit-learn pipeline nearly as much as forty, so under load this
multiplies throughput; a request alone is predicted at once, with no waiting window.

The model runs on one worker thread, so the event loop keeps taking requests meanwhile; every
row of a call is answered by the same loaded model, whose version each response names.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .loader import LoadedModel, ModelSlot


def _one_thread_per_model() -> None:
    from threadpoolctl import threadpool_limits

    # Small batches: OpenMP threads (HistGradientBoosting) would only fight each other and
    # the event loop, costing tens of ms per call on a busy host.
    threadpool_limits(1)


class Batcher:
    def __init__(
        self, slot: ModelSlot, score: Callable[[Any, list[dict]], list[float]], max_rows: int
    ):
        """`score(model, rows)`: the predictions of `model` for `rows`, in order."""
        self.slot, self.score, self.max_rows = slot, score, max_rows
        self._waiting: list[tuple[list[dict], asyncio.Future]] = []
        self._running = False
        self._executor = ThreadPoolExecutor(1, "model", initializer=_one_thread_per_model)

    async def predict(self, rows: list[dict]) -> tuple[LoadedModel, list[float]]:
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((rows, future))
        if not self._running:
            self._running = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def _take(self) -> list[tuple[list[dict], asyncio.Future]]:
        taken, count = [], 0
        while self._waiting and (not taken or count + len(self._waiting[0][0]) <= self.max_rows):
            rows, future = self._waiting.pop(0)
            taken.append((rows, future))
            count += len(rows)
        return taken

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                batch = self._take()
                served = self.slot.current  # one model for the whole call
                rows = [row for request_rows, _ in batch for row in request_rows]
                try:
                    scores = await loop.run_in_executor(
                        self._executor, self.score, served.model, rows
                    )
                except Exception as error:  # every waiting request learns it, none hangs
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                start = 0
                for request_rows, future in batch:
                    if not future.done():  # a client that went away has cancelled its future
                        future.set_result((served, scores[start : start + len(request_rows)]))
                    start += len(request_rows)
        finally:
            self._running = False
