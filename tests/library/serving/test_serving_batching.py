"""Concurrent requests share a call of the model: each still gets its own predictions, in
order, from the model it was checked against; a failing call fails only the requests whose
rows cannot be scored, none hangs."""

import asyncio

from ml_playbook.serving.batching import Batcher
from ml_playbook.serving.loader import LoadedModel


class Doubler:
    """A stand-in model that doubles `x`, recording the size of every call."""

    def __init__(self, fail: bool = False):
        self.calls: list[int] = []
        self.fail = fail

    def __call__(self, model, rows: list[dict]) -> list[float]:
        self.calls.append(len(rows))
        if self.fail:
            raise RuntimeError("model broke")
        # float() of a row the model cannot read fails the call, as a real model would.
        return [2.0 * float(row["x"]) for row in rows]


SERVED = LoadedModel("m", "7", "champion", model=None)


def serve(score: Doubler, requests: list[list[dict]], max_rows: int, models=None):
    """Each request's answer (or error), all sent at once; `models`: the model each request
    was checked against (default: SERVED for all)."""
    batcher = Batcher(score, max_rows)

    async def all_at_once():
        return await asyncio.gather(
            *(
                batcher.predict(rows, served)
                for rows, served in zip(requests, models or [SERVED] * len(requests), strict=True)
            ),
            return_exceptions=True,
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


def test_a_request_the_model_cannot_score_fails_alone_and_the_others_are_answered():
    score = Doubler()
    requests = [[{"x": i}] for i in range(6)]
    requests[3] = [{"x": "not a number"}]

    answers = serve(score, requests, max_rows=10)

    assert isinstance(answers[3], ValueError)
    assert [answers[i][1] for i in (0, 1, 2, 4, 5)] == [[0.0], [2.0], [4.0], [8.0], [10.0]]
    assert score.calls == [6, 1, 1, 1, 1, 1, 1]  # the failed call, then one call per request


def test_requests_checked_against_different_models_never_share_a_call():
    seen = []

    def score(model, rows):
        seen.append((model, len(rows)))
        return [float(model)] * len(rows)

    old, new = (LoadedModel("m", version, None, model=version) for version in ("1", "2"))

    answers = serve(score, [[{}], [{}], [{}]], max_rows=10, models=[old, new, old])

    assert [(served.version, scores) for served, scores in answers] == [
        ("1", [1.0]),
        ("2", [2.0]),
        ("1", [1.0]),
    ]
    assert seen == [("1", 2), ("2", 1)]
