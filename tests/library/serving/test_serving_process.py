"""`serve` as its own process, as an operator runs it: SIGTERM lets every request in flight
be answered and writes every sampled one to the request log before the process ends."""

import http.client
import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from devtools.servers import free_port
from tests.library.serving.conftest import serve_project
from tests.library.serving.server_process import Slow

REPOSITORY = Path(__file__).parents[3]
IN_FLIGHT = 6


def start(root: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), "MLFLOW_TRACKING_URI": ""}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.library.serving.server_process",
            str(root),
            "--port",
            str(port),
        ],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ready(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/ready")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"not ready: {process.communicate(timeout=5)}")


def predict(port: int, row: dict, answers: list) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/predict", json.dumps(row), {"Content-Type": "application/json"})
    response = connection.getresponse()
    answers.append((response.status, json.loads(response.read())))


def test_sigterm_answers_the_requests_in_flight_and_logs_every_one(tmp_path, trained):
    # Given a server process whose model takes half a second a call, logging every request
    served = serve_project(
        tmp_path / "project", trained["binary_classification"], log_flush_seconds=3600.0
    )
    (served.project.root / "models.pkl").write_bytes(
        pickle.dumps([Slow(served.models.champion.steps)])
    )
    port = free_port()
    process = start(served.project.root, port)
    try:
        ready(port, process)
        # When requests are in flight and the process is told to stop
        answers: list = []
        clients = [
            threading.Thread(target=predict, args=(port, row, answers))
            for row in served.examples[:IN_FLIGHT]
        ]
        for client in clients:
            client.start()
        time.sleep(0.2)  # every request sent, the first call of the model under way
        process.send_signal(signal.SIGTERM)
        for client in clients:
            client.join(timeout=30)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()

    # Then every request was answered, the process ended well, and the log holds them all
    assert [status for status, _ in answers] == [200] * IN_FLIGHT
    # (uvicorn ends by raising the signal again once it has stopped, as the default would)
    assert process.returncode in (0, -signal.SIGTERM), err
    folder = served.project.path(served.project.params.serve.log_dir)
    logged = duckdb.execute(f"select count(*) from read_parquet('{folder}/*.parquet')").fetchall()
    assert logged == [(IN_FLIGHT,)]
