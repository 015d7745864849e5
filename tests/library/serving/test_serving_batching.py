"""Concurrent requests share a call of the model: each still gets its own predictions, in
order, from one loaded model; a failing call fails every request in it, none hangs."""

import asyncio

from ml_playbook.serving.batching import Batcher
from ml_playbook.serving.loader import LoadedModel, ModelSlot


class Doubler:
    """A stand-in model that doubles `x`, recording the size of every call."""

    def __init__(self, fail: bool = False):
        self.calls: list[int] = []
        self.fail = fail

    def __call__(self, model, rows: list[dict]) -> list[float]:
        self.calls.append(len(rows))
        if self.fail:
            raise RuntimeError("model broke")
        return [2.0 * row["x"] for row in rows]


def serve(score: Doubler, requests: list[list[dict]], max_rows: int):
    slot = ModelSlot(LoadedModel("m", "7", "champion", model=None))
    batcher = Batcher(slot, score, max_rows)

    async def all_at_once():
        return await asyncio.gather(
            *(batcher.predict(rows) for rows in requests), return_exceptions=True
        )

    try:
        return asyncio.run(all_at_once())
    finally:
        batcher.close()


def test_waiting_requests_are_predicted_together_up_to_the_largest_batch():
    score = Doubler()
    requests = [[{"x": i}] for i in range(5)]

    answers = serve(score, requests, max_rows=2)

    assert score.calls == [2, 2, 1]
    assert [scores for _, scores in answers] == [[0.0], [2.0], [4.0], [6.0], [8.0]]
    assert {served.version for served, _ in answers} == {"7"}


def test_a_request_larger_than_the_rest_of_a_batch_waits_for_the_next_call():
    score = Doubler()

    answers = serve(score, [[{"x": 1}], [{"x": 2}, {"x": 3}]], max_rows=2)

    assert score.calls == [1, 2]
    assert [scores for _, scores in answers] == [[2.0], [4.0, 6.0]]


def test_a_failing_call_fails_each_of_its_requests():
    answers = serve(Doubler(fail=True), [[{"x": 1}], [{"x": 2}]], max_rows=10)

    assert [str(answer) for answer in answers] == ["model broke", "model broke"]
