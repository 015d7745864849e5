"""The service under a real server (uvicorn on loopback, in a thread): concurrent clients on
keep-alive connections are answered from shared calls of the model, a promotion made under
load is swapped in with every answer coming whole from one version, and stopping the server
writes the rest of the request log."""

import http.client
import json
import threading
import time

import duckdb

from devtools.servers import running
from ml_playbook.registry import CHAMPION, Candidate
from ml_playbook.serving.service import build_service
from tests.library.serving.conftest import counting

CLIENTS = 6
REQUESTS_PER_CLIENT = 20


def client(port: int, rows: list[dict], first: int, answers: list, moved: threading.Event):
    """Send single-row requests on one connection; record (row number, version, prediction)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for count in range(REQUESTS_PER_CLIENT):
            number = (first + count) % len(rows)
            connection.request(
                "POST", "/predict", json.dumps(rows[number]), {"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            body = json.loads(response.read())
            assert response.status == 200, body
            answers.append((number, response.getheader("X-Model-Version"), body["predictions"]))
            if count == REQUESTS_PER_CLIENT // 2:
                moved.wait(timeout=20)  # the second half runs after the promotion
    finally:
        connection.close()


def test_a_real_server_batches_concurrent_clients_and_swaps_a_promotion_under_load(served):
    # Given a server on a counting champion (v3); v2, a different model, is registered
    model = counting(served.models.champion)
    served.registry.register(served.name, Candidate(model=model, run_name="counted"))
    served.registry.set_alias(served.name, CHAMPION, "3")
    expected = {"3": served.offline("1"), "2": served.offline("2")}
    rows, answers, moved = served.examples, [[] for _ in range(CLIENTS)], threading.Event()

    with running(build_service(served.project)) as port:
        # When clients send requests at the same time, and champion moves to v2 halfway
        threads = [
            threading.Thread(target=client, args=(port, rows, 7 * n, answers[n], moved))
            for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while sum(map(len, answers)) < CLIENTS * REQUESTS_PER_CLIENT // 2:
            assert time.monotonic() < deadline and all(t.is_alive() for t in threads)
            time.sleep(0.005)
        served.registry.set_alias(served.name, CHAMPION, "2")
        moved.set()
        for thread in threads:
            thread.join(timeout=60)

    # Then every request was answered, each whole by one version with its own predictions
    everything = [answer for mine in answers for answer in mine]
    assert len(everything) == CLIENTS * REQUESTS_PER_CLIENT
    for number, version, predictions in everything:
        assert predictions == [expected[version][number]]
    # v3 answered from fewer calls than requests (batched); v2 took over, for good
    v3 = sum(version == "3" for _, version, _ in everything)
    assert sum(model.calls) == v3
    assert len(model.calls) < v3
    assert {mine[-1][1] for mine in answers} == {"2"}
    for mine in answers:
        versions = [version for _, version, _ in mine]
        assert versions == sorted(versions, key=lambda v: v == "2")  # never back to v3
    # and stopping the server wrote every sampled request to the log
    folder = served.project.path(served.project.params.serve.log_dir)
    logged = duckdb.execute(
        f"select model_version, count(*) from read_parquet('{folder}/*.parquet') group by 1"
    ).fetchall()
    assert dict(logged) == {"3": v3, "2": len(everything) - v3}
