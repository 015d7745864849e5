"""What an operator meets, against a real server (uvicorn on loopback, in a thread): a body
over the limit refused while it is read, whatever its framing, and a stalled one timed out;
bytes that are no JSON row refused saying why; a value outside the training range flagged and
counted; /docs from the package's own files; a champion that cannot be loaded shown in /ready
and /metrics while the loaded one keeps answering; a moved alias served within about a second
without asking the registry more than that; and a service that answers before its model is
loaded."""

import http.client
import json
import re
import select
import socket
import threading
import time

import pytest

from devtools.servers import running
from ml_playbook.errors import ProjectError
from ml_playbook.modeling.metrics import CLASSIFICATION
from ml_playbook.registry import CHAMPION, Candidate
from ml_playbook.release.gate import training_range_metrics
from ml_playbook.serving import loader
from ml_playbook.serving.middleware import BYTES_PER_ROW
from ml_playbook.serving.service import build_service
from tests.library.serving.conftest import MAX_ROWS, AppClient, serve_project

BODY_SECONDS = 0.5


@pytest.fixture(scope="module")
def server(tmp_path_factory, trained):
    """One server for the module: v1 (champion) registered with its training ranges, v2, and
    v3 whose files cannot be loaded."""
    served = serve_project(
        tmp_path_factory.mktemp("operations") / "project", trained[CLASSIFICATION], ranges=True
    )
    served.registry.register(served.name, Candidate(model=None, run_name="lost files"))
    loads = served.registry.load

    def load(name, version):
        if version == "3":
            raise ProjectError(f"models:/{name}/3: its files are missing from the store")
        return loads(name, version)

    served.registry.load = load
    with running(build_service(served.project, body_seconds=BODY_SECONDS)) as port:
        ready_within(port, 10)
        yield served, port


def ready_within(port: int, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, answer = call(port, "GET", "/ready")
        if status == 200:
            return answer
        time.sleep(0.02)
    raise AssertionError(f"not ready within {seconds} s")


def call(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, object]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        data = response.read()
        kind = response.getheader("Content-Type", "")
        return response.status, json.loads(data) if kind.startswith("application/json") else data
    finally:
        connection.close()


def status_line(sock: socket.socket) -> str:
    sock.settimeout(5)
    return sock.recv(65536).split(b"\r\n")[0].decode()


def test_a_chunked_body_over_the_limit_is_refused_as_soon_as_it_is_crossed(server):
    _, port = server
    limit, chunk = MAX_ROWS * BYTES_PER_ROW, b"[" * 65536
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        sent = 0
        while sent < 100 * limit and not select.select([sock], [], [], 0)[0]:
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:  # the server answered and closed: stop sending
                break
            sent += len(chunk)
            time.sleep(0.001)
        answer = status_line(sock)

    assert answer.startswith("HTTP/1.1 413"), answer
    assert sent < 10 * limit


def test_a_body_that_stalls_is_timed_out_with_a_408(server):
    _, port = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"plan":'
        )
        started = time.monotonic()
        answer = status_line(sock)

    assert answer.startswith("HTTP/1.1 408"), answer
    assert time.monotonic() - started < BODY_SECONDS + 2


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"plan": "\xff\xfe"}', "not UTF-8 text (byte 0xff at position 10)"),
        (b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
        (b'{"monthly_fee": ' + b"9" * 5000 + b"}", "a number of more than 4300 digits"),
    ],
    ids=["invalid UTF-8", "deep nesting", "5000-digit number"],
)
def test_bytes_no_row_can_be_read_from_are_refused_saying_why(server, body, words):
    _, port = server

    status, answer = call(port, "POST", "/predict", body)

    assert status == 400
    assert words in answer["error"]


def test_refusals_are_counted_by_field_and_kind(server):
    served, port = server
    before = refusals(port)
    call(port, "POST", "/predict", json.dumps(served.row(monthly_fee=-1.0)).encode())
    call(port, "POST", "/predict", b'{"plan": "\xff"}')

    after = refusals(port)

    assert (
        after[("monthly_fee", "greater_than_equal")]
        == before.get(("monthly_fee", "greater_than_equal"), 0) + 1
    )
    assert after[("body", "not_utf8")] == before.get(("body", "not_utf8"), 0) + 1


def refusals(port: int) -> dict[tuple[str, str], int]:
    """(field, kind) -> count, from /metrics."""
    text = call(port, "GET", "/metrics")[1].decode()
    found = re.findall(
        r'^predict_refusals_total\{field="([^"]*)",kind="([^"]*)"\} (\d+)$', text, re.M
    )
    return {(field, kind): int(count) for field, kind, count in found}


def test_a_value_outside_the_training_range_is_flagged_and_counted(server):
    served, port = server
    fee = served.project.params.train.numeric_features[0]
    high = training_range_metrics(served.project)[f"training_range.{fee}.max"]

    inside = served.row(tenure_months=5)  # the examples are later months: longer tenures
    status, answer = call(port, "POST", "/predict", json.dumps({**inside, fee: 1e308}).encode())
    _, metrics = call(port, "GET", "/metrics")

    assert status == 200
    assert answer["flags"] == [
        f"{fee}: 1e+308 is above the largest value seen in training ({high:g})"
    ]
    assert f'predict_outside_training_range_total{{feature="{fee}",action="flagged"}} 1' in (
        metrics.decode()
    )
    assert "flags" not in call(port, "POST", "/predict", json.dumps(inside).encode())[1]


def test_a_value_outside_the_training_range_is_refused_when_told(server):
    served, _ = server
    with AppClient(build_service(served.project, out_of_range="refuse")) as client:
        inside = served.row(tenure_months=5)
        answer = client.post("/predict", {"rows": [inside, {**inside, "monthly_fee": 1e308}]})
        metrics = client.get("/metrics").text

    assert answer.status == 422
    assert answer.json()["error"].startswith(
        "rows[1].monthly_fee: 1e+308 is above the largest value seen in training"
    )
    assert 'predict_outside_training_range_total{feature="monthly_fee",action="refused"} 1' in (
        metrics
    )


def test_the_docs_page_is_served_with_its_own_files(server):
    _, port = server

    status, page = call(port, "GET", "/docs")
    script = page.decode().split('src="')[1].split('"')[0]
    script_status, code = call(port, "GET", script)

    assert status == 200
    assert "cdn" not in page.decode()
    assert (script_status, len(code) > 100_000) == (200, True)


def test_a_champion_that_cannot_be_loaded_shows_in_ready_and_metrics(server):
    served, port = server
    # When champion moves to a version whose files are missing
    served.registry.set_alias(served.name, CHAMPION, "3")
    try:
        deadline = time.monotonic() + 5
        while (ready := call(port, "GET", "/ready")[1])["status"] != "stale":
            assert time.monotonic() < deadline, ready
            time.sleep(0.02)
        metrics = call(port, "GET", "/metrics")[1].decode()
        status, answer = call(port, "POST", "/predict", json.dumps(served.row()).encode())
    finally:
        served.registry.set_alias(served.name, CHAMPION, "1")

    # Then readiness tells the truth, and the loaded model keeps answering
    assert ready["model"]["version"] == "1"
    assert ready["lookup"]["ok"] is False
    assert ready["lookup"]["points_at"] == "3"
    assert ready["lookup"]["error"] == "models:/tiny-model/3: its files are missing from the store"
    assert ready["lookup"]["age_seconds"] < 5
    assert "model_lookup_ok 0" in metrics
    assert 'service_state{state="stale"} 1' in metrics
    assert 'model_lookup_error_info{version="3",error="models:/tiny-model/3: its files' in metrics
    assert (status, answer["model"]["version"]) == (200, "1")
    # and once champion points at a loadable version again, it is ready
    ready_again = ready_within(port, 5)
    deadline = time.monotonic() + 5
    while ready_again["status"] != "ready" and time.monotonic() < deadline:
        ready_again = ready_within(port, 5)
    assert ready_again["status"] == "ready"


class Counting:
    """A registry that counts alias look-ups; with `revision`, a cheap sign of change."""

    def __init__(self, registry, cheap: bool):
        self.registry, self.lookups, self.uri, self.cheap = registry, 0, registry.uri, cheap

    def alias(self, name, alias):
        self.lookups += 1
        return self.registry.alias(name, alias)

    def __getattr__(self, name):
        if name == "revision" and not self.cheap:
            raise AttributeError(name)
        return getattr(self.registry, name)


@pytest.mark.parametrize("cheap", [True, False], ids=["with a sign of change", "without"])
def test_a_moved_alias_is_served_within_a_second_without_hammering_the_registry(
    tmp_path, trained, monkeypatch, cheap
):
    monkeypatch.setattr(loader, "CHANGE_CHECK_SECONDS", 0.05)
    served = serve_project(tmp_path / "project", trained[CLASSIFICATION])
    registry = Counting(served.registry, cheap)
    slot = loader.ModelSlot()
    # poll_seconds 0.6: with a sign of change, the move is seen at the next check (0.05 s here)
    follower = loader.Follower(registry, slot, served.name, CHAMPION, None, 0.6)
    follower.start()
    try:
        slot.settled.wait(5)
        time.sleep(0.2)  # four checks with nothing moved
        looked_up = registry.lookups
        moved = time.monotonic()
        served.registry.set_alias(served.name, CHAMPION, "2")
        while slot.current.version != "2" and time.monotonic() - moved < 5:
            time.sleep(0.01)
        seen = time.monotonic() - moved
    finally:
        follower.stop()

    if cheap:
        assert looked_up == 1  # the first load only: nothing changed since
        assert seen < 0.3
    else:
        assert looked_up == 1  # no look-up before poll_seconds
        assert 0.25 < seen < 1.5  # at the look-up poll_seconds after the first


def test_the_service_answers_while_its_model_loads(tmp_path, trained):
    # Given a registry whose model takes until `release` to load
    served = serve_project(tmp_path / "project", trained[CLASSIFICATION])
    release, loads = threading.Event(), served.registry.load

    def slow_load(name, version):
        release.wait(timeout=5)
        return loads(name, version)

    served.registry.load = slow_load
    with running(build_service(served.project)) as port:
        # When it is asked while loading, then it is alive and says it is loading
        health = call(port, "GET", "/health")
        loading = call(port, "GET", "/ready")
        metrics = call(port, "GET", "/metrics")[1].decode()
        release.set()
        ready = ready_within(port, 5)

    assert health == (200, {"status": "ok", "model": "loading"})
    assert loading[0] == 503
    assert loading[1]["status"] == "loading"
    assert 'service_state{state="loading"} 1' in metrics
    assert ready["model"]["version"] == "1"
    assert ready["start_to_ready_seconds"] > 0
