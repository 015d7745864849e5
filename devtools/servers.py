"""Real servers for tests, on loopback in a temp folder: PostgreSQL and an MLflow tracking server.

Each is a context manager that starts the server in its own process group, waits until it
answers, and stops the whole group on exit, so no worker outlives a test.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POSTGRES_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_binary(name: str) -> str | None:
    """`initdb`/`pg_ctl` on PATH or in Debian's versioned folder; None when not installed."""
    found = shutil.which(name)
    if found:
        return found
    for folder in POSTGRES_BIN_DIRS:
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    return None


def _run_as_postgres_user() -> dict:
    """initdb refuses to run as root: run the server as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return {}
    import pwd

    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": entry.pw_uid, "group": entry.pw_gid}
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")


@contextmanager
def postgres(database: str = "mlflow") -> Iterator[str]:
    """A PostgreSQL server on 127.0.0.1; yields a SQLAlchemy URI to `database`.

    Its folder is a fresh one under the system temp dir (pytest's are private to root, and
    the server runs as an unprivileged user when we are root); it is removed afterwards.
    """
    initdb, pg_ctl = postgres_binary("initdb"), postgres_binary("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    identity = _run_as_postgres_user()
    folder = Path(tempfile.mkdtemp(prefix="ml-playbook-pg-"))
    if identity:
        os.chown(folder, identity["user"], identity["group"])
    data, port = folder / "data", free_port()
    subprocess.run(
        [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
        **identity,
    )
    options = f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off"
    subprocess.run(
        [pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        check=True,
        capture_output=True,
        **identity,
    )
    try:
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-c",
                f"create database {database}",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
    finally:
        subprocess.run(
            [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True, **identity
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def mlflow_server(
    project: Path, backend_uri: str, artifacts: Path, tools: Path | None = None
) -> Iterator[str]:
    """The project's `make mlflow-server` (lean: one worker, no job execution) on a free
    loopback port; yields its URL.

    `tools`: a folder of executables (an environment's `bin/`) that stands in for the
    project's environment: the recipe's `uv run X` runs `tools/X`, so it runs as written
    without installing the project.
    """
    port = free_port()
    command = [
        "make",
        "mlflow-server",
        f"PORT={port}",
        f"BACKEND={backend_uri}",
        f"ARTIFACTS={artifacts}",
    ]
    env = dict(os.environ)
    shim = Path(tempfile.mkdtemp(prefix="ml-playbook-uv-"))
    if tools is not None:
        (shim / "uv").write_text(
            f'#!/bin/sh\n[ "$1" = run ] || exit 2\nshift\ntool="$1"\nshift\nexec "{tools}/$tool" "$@"\n'
        )
        (shim / "uv").chmod(0o755)
        env["PATH"] = f"{shim}{os.pathsep}{env['PATH']}"
    log = (artifacts.parent / "mlflow-server.log").open("w")
    process = subprocess.Popen(
        command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mlflow server did not start; see {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        _stop_group(process)
        log.close()
        shutil.rmtree(shim, ignore_errors=True)


def _stop_group(process: subprocess.Popen) -> None:
    """End the server and every worker it started (they share its process group)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def running(app) -> Iterator[int]:
    """An ASGI `app` (the model service) served by uvicorn in a thread on a free loopback
    port, yielded, until the block ends — stopped as on SIGTERM."""
    import threading

    import uvicorn

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.01)
        yield listening.getsockname()[1]
    finally:
        server.should_exit = True  # as on SIGTERM: finish what is in flight, run the lifespan's end
        thread.join(timeout=20)
        listening.close()
