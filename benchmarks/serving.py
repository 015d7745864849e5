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

Then, for ours (issue 25): start-to-ready, from starting `serve` to /ready answering 200
(median of --starts starts after the first, so the disk cache is warm; goal <= 5 s on a quiet
machine), and promote-to-served, from champion's move in the registry (as `release promote` makes it) to
the running service answering with the new champion (a registry of one version gets a second).
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
EXAMPLES = Path("data/samples/golden.csv")  # the examples `release verify` replays
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
    """The examples' features (params.yaml train), as a client sends them."""
    import yaml

    train = yaml.safe_load((project / "params.yaml").read_text())["train"]
    features = [*train["numeric_features"], *train["categorical_features"]]
    with (project / EXAMPLES).open() as handle:
        return [{key: value(row[key]) for key in features} for row in csv.DictReader(handle)]


def start(
    command: list[str], project: Path, env: dict, port: int, ready: str = "/health"
) -> subprocess.Popen:
    """The server of `command`, once `ready` (a path) answers 200."""
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
            connection.request("GET", ready)
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.05)
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


def served_version(port: int) -> str | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/ready")
    response = connection.getresponse()
    answer = json.loads(response.read())
    return str(answer["model"]["version"]) if response.status == 200 else None


def start_to_ready(
    command: list[str], project: Path, env: dict, port: int, starts: int
) -> list[float]:
    """Seconds from starting `command` to /ready answering 200, for each of `starts` starts."""
    timings = []
    for _ in range(starts):
        started = time.perf_counter()
        process = start(command, project, env, port, "/ready")
        timings.append(time.perf_counter() - started)
        stop(process)
    return timings


def cli(project: Path, env: dict, *arguments: str) -> str:
    done = subprocess.run(
        ["uv", "run", "--no-sync", PACKAGE, *arguments],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"`{PACKAGE} {' '.join(arguments)}` failed:\n{done.stderr[-2000:]}")
    return done.stdout


def second_version(project: Path, env: dict) -> None:
    """Registers the model again if the registry has one version only (a move needs two)."""
    shown = json.loads(cli(project, env, "registry", "show", "--json"))["versions"]
    if len(shown) < 2:
        command = ["uv", "run", "--no-sync", "dvc", "repro", "-q", "--force", "--single-item"]
        subprocess.run(
            [*command, "register"], cwd=project, env=env, check=True, capture_output=True
        )


def promote_to_served(project: Path, port: int, moves: int = 6) -> list[float]:
    """Seconds from champion's move (as `release promote` makes it, after its gate) to the
    running service answering with the new champion, for `moves` moves back and forth."""
    from ml_playbook.registry import Move
    from ml_playbook.registry.mlflow import MlflowRegistry
    from ml_playbook.registry.moves import move_champion, now

    registry = MlflowRegistry(project, f"sqlite:///{project / 'mlflow.db'}")
    champion = registry.alias(PACKAGE, "champion")  # MLflow imported before any timing
    others = [v.version for v in registry.versions(PACKAGE) if v.version != champion]
    timings, versions = [], [others[0], champion]
    for number in range(moves):
        before, after = versions[number % 2 - 1], versions[number % 2]
        why = "benchmark: promote-to-served"
        move_champion(registry, PACKAGE, Move("force-promote", before, after, "bench", now(), why))
        moved = time.perf_counter()
        while served_version(port) != after:
            if time.perf_counter() - moved > 120:
                sys.exit(f"v{after} not served 120 s after champion moved to it")
            time.sleep(0.01)
        timings.append(time.perf_counter() - moved)
    return timings


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
    parser.add_argument("--starts", type=int, default=3, help="starts timed for start-to-ready")
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
        ready = {"ours": "/ready", "mlflow": "/health"}
        launch = {}
        processes = {}
        for name in commands:
            began = time.perf_counter()
            processes[name] = start(commands[name], project, env, ports[name], ready[name])
            launch[name] = time.perf_counter() - began
        runs: dict[str, list[dict]] = {name: [] for name in commands}
        try:
            for name in commands:
                load(ports[name], paths[name], bodies[name], WARMUP, 1)
            for _ in range(args.rounds):
                for name in commands:
                    runs[name].append(
                        load(ports[name], paths[name], bodies[name], args.requests, args.clients)
                    )
            stop(processes.pop("mlflow"))
            second_version(project, env)
            swaps = promote_to_served(project, ports["ours"])
        finally:
            for process in processes.values():
                stop(process)
        ours = report("ours (<package> serve, as configured)", runs["ours"])
        theirs = report("mlflow models serve --env-manager local", runs["mlflow"])
        warm = start_to_ready(commands["ours"], project, env, ports["ours"], args.starts)
    print(
        f"throughput ratio {ours['rps'] / theirs['rps']:.2f}x (goal >= 1.5x); "
        f"p99 {ours['p99']:.1f} vs {theirs['p99']:.1f} ms (goal: ours <= theirs)"
    )
    print(
        f"start to ready: ours median {statistics.median(warm):.1f} s over {args.starts} warm "
        f"starts ({', '.join(f'{t:.1f}' for t in warm)} s; first start {launch['ours']:.1f} s; "
        f"goal <= 5 s), mlflow {launch['mlflow']:.1f} s to /health (first start)"
    )
    print(
        f"promote to served: median {statistics.median(swaps):.2f} s, slowest {max(swaps):.2f} s "
        f"from champion's move to the running service answering with it ({len(swaps)} moves)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
