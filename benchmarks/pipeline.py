"""Time a fresh project: install (warm uv cache), `dvc repro`, and its test suite.

    uv run python -m benchmarks.pipeline

Renders the template with defaults from a tagged clone, then times each step as a user
would run it, with bytecode caching on (as on a user's machine). Run it once before to warm
the uv cache; the target is under 60 s for the three together on 2 cores.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from copier import run_copy

from devtools.template_clone import GIT_IDENTITY, make_tagged_clone


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"`{' '.join(command)}` failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    env = {
        k: v for k, v in os.environ.items() if k not in {"PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV"}
    }
    env.update(
        UV_PYTHON_DOWNLOADS="never",
        DVC_NO_ANALYTICS="1",
        MLFLOW_DISABLE_TELEMETRY="true",
        DO_NOT_TRACK="true",
    )
    with tempfile.TemporaryDirectory() as scratch:
        template = make_tagged_clone(Path(scratch) / "template")
        project = Path(scratch) / "project"
        run_copy(f"git+{template.as_uri()}", project, defaults=True, quiet=True)
        env["PRE_COMMIT_HOME"] = str(Path(scratch) / "pre-commit")
        env["DVC_SITE_CACHE_DIR"] = str(Path(scratch) / "dvc-site")
        # as `make setup` does: a repository with a first commit
        for command in (
            ["init", "--quiet"],
            ["add", "--all"],
            ["commit", "--quiet", "-m", "start"],
        ):
            subprocess.run(["git", *command], cwd=project, check=True, env={**env, **GIT_IDENTITY})
        steps = {
            "install (uv sync)": ["uv", "sync", "--quiet"],
            "pipeline (dvc repro)": ["uv", "run", "--no-sync", "dvc", "repro", "--quiet"],
            "tests (pytest)": ["uv", "run", "--no-sync", "pytest", "-q"],
        }
        times = {name: timed(command, project, env) for name, command in steps.items()}
    for name, seconds in times.items():
        print(f"{name:<22} {seconds:6.1f} s")
    print(f"{'total':<22} {sum(times.values()):6.1f} s  (target < 60 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
