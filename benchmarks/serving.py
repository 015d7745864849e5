"""Single-row /predict latency and throughput of the generated project's service, side by side
with MLflow's scoring server (`mlflow models serve --env-manager local`) on the same model.

    uv run python -m benchmarks.serving [--project PATH] [--requests 1000] [--clients 4] [--rounds 3]

Renders a default project from a tagged clone and runs its pipeline (or reuses `--project`, a
generated project whose pipeline has run), then starts both servers on loopback, one
worker each, warms them up, and sends each the same bounded load in turn, round after round:
`--clients` keep-alive connections, `--requests` single-row requests in all, the rows of the
project's example set in turn. Medians over the rounds are printed.
The load generator shares the machine with the server: compare the two, not the absolutes.
Goal (issue 11): at least 1.5x MLflow's requests/s at an equal or better p99.
"""

import argparse
import csv
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from devtools.template_clone import GIT_IDENTITY, make_tagged_clone

PACKAGE = "my_model"  # the default answers' package name
EXAMPLES = Path("tests/fixtures/serving_examples.csv")
WARMUP = 100


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "MLFLOW_TRACKING_URI"}}
    env.update(
        UV_PYTHON_DOWNLOADS="never",
        DVC_NO_ANALYTICS="1",
        DVC_SITE_CACHE_DIR=str(scratch / "dvc-site"),
        MLFLOW_DISABLE_TELEMETRY="true",
        DO_NOT_TRACK="true",
        PRE_COMMIT_HOME=str(scratch / "pre-commit"),
    )
    return env


def prepare(scratch: Path, env: dict[str, str]) -> Path:
    """A default project with its pipeline run (a champion in its local registry)."""
    from copier import run_copy

    template = make_tagged_clone(scratch / "template")
    project = scratch / "project"
    run_copy(f"git+{template.as_uri()}", project, defaults=True, quiet=True)
    for command in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "-m", "start"]):
        subprocess.run(["git", *command], cwd=project, check=True, env={**env, **GIT_IDENTITY})
    for command in (["uv", "sync", "--quiet"], ["uv", "run", "--no-sync", "dvc", "repro", "-q"]):
        subprocess.run(command, cwd=project, check=True, env=env)
    return project


def value(text: str):
    """A CSV cell as JSON would carry it: a count, a decimal or a category."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def rows(project: Path) -> list[dict]:
    with (project / EXAMPLES).open() as handle:
        return [{key: value(cell) for key, cell in row.items()} for row in csv.DictReader(handle)]


def start(command: list[str], project: Path, env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        command,
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"`{' '.join(command)}` exited:\n{process.stderr.read().decode()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.5)
    stop(process)
    sys.exit(f"`{' '.join(command)}` did not become healthy in 180 s")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def load(port: int, path: str, bodies: list[bytes], total: int, clients: int) -> dict:
    """Send `total` requests over `clients` keep-alive connections; latency in ms, req/s."""
    latencies: list[float] = []
    failures = []
    lock = threading.Lock()
    share = [total // clients + (i < total % clients) for i in range(clients)]

    def client(count: int, offset: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for i in range(count):
            body = bodies[(offset + i) % len(bodies)]
            started = time.perf_counter()
            connection.request("POST", path, body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            mine.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                failures.append(response.status)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n, i * 7)) for i, n in enumerate(share)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        sys.exit(f"{len(failures)} requests failed (status {failures[0]})")
    cuts = statistics.quantiles(latencies, n=100)
    return {"p50": cuts[49], "p99": cuts[98], "rps": total / elapsed}


def report(name: str, runs: list[dict]) -> dict:
    figures = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print(
        f"{name:<42} p50 {figures['p50']:7.2f} ms   p99 {figures['p99']:7.2f} ms   "
        f"{figures['rps']:7.1f} req/s   (median of {len(runs)} rounds)"
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="a generated project whose pipeline has run")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        env = environment(scratch)
        project = args.project.resolve() if args.project else prepare(scratch, env)
        examples = rows(project)
        env["MLFLOW_TRACKING_URI"] = f"sqlite:///{project / 'mlflow.db'}"
        ports = {"ours": free_port(), "mlflow": free_port()}
        commands = {
            "ours": ["uv", "run", "--no-sync", PACKAGE, "serve", "--port", str(ports["ours"])],
            "mlflow": ["uv", "run", "--no-sync", "mlflow", "models", "serve"]
            + ["-m", f"models:/{PACKAGE}@champion", "--env-manager", "local"]
            + ["--port", str(ports["mlflow"]), "--workers", "1"],
        }
        paths = {"ours": "/predict", "mlflow": "/invocations"}
        bodies = {
            "ours": [json.dumps(row).encode() for row in examples],
            "mlflow": [json.dumps({"dataframe_records": [row]}).encode() for row in examples],
        }
        print(
            f"{args.requests} single-row requests per round, {args.clients} clients, loopback, "
            f"1 worker each; the servers take turns, {args.rounds} rounds"
        )
        processes = {name: start(commands[name], project, env, ports[name]) for name in commands}
        runs: dict[str, list[dict]] = {name: [] for name in commands}
        try:
            for name in commands:
                load(ports[name], paths[name], bodies[name], WARMUP, 1)
            for _ in range(args.rounds):
                for name in commands:
                    runs[name].append(
                        load(ports[name], paths[name], bodies[name], args.requests, args.clients)
                    )
        finally:
            for process in processes.values():
                stop(process)
        ours = report("ours (<package> serve, as configured)", runs["ours"])
        theirs = report("mlflow models serve --env-manager local", runs["mlflow"])
    print(
        f"throughput ratio {ours['rps'] / theirs['rps']:.2f}x (goal >= 1.5x); "
        f"p99 {ours['p99']:.1f} vs {theirs['p99']:.1f} ms (goal: ours <= theirs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
