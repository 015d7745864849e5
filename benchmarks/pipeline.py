"""Time a fresh project, as a user meets it: copy, install (warm uv cache), `dvc repro`, lint,
tests — and measure what it hands the team.

    uv run python -m benchmarks.pipeline [--runs 3] [--warm]

Each run renders the template with defaults from a git URL (a tagged clone of the working
tree), makes the first commit as `make setup` does, then times `uv sync`, `uv run dvc repro`,
`make lint`'s three commands and `uv run pytest` with bytecode caching on, as on a user's
machine. Run it once before to warm the uv cache, on a quiet machine (nothing else using the
cores: wall times on a shared machine measure the other jobs too).

It prints every run, the median of the runs against the targets of docs/budget.md (a fresh
project to green in 40 s, its tests in 15 s, its `src/` in 1,500 lines), the project's shape
(lines and modules of `src/`, lines and count of its tests), each DVC stage's share (the time
from one `Running stage` line to the next), the slowest tests, and — as evidence that does not
depend on a quiet machine — the CPU seconds of each step and how many modules each stage
command imports. With --warm it then times the last project once more with every `.pyc`
written (`dvc repro --force`, `pytest`): the floor a fresh project would have if nothing had
to be compiled.
"""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from copier import run_copy

from devtools.template_clone import GIT_IDENTITY, make_tagged_clone

# The targets (docs/budget.md): copy to green (install, pipeline, lint, tests), the tests alone,
# and the lines of src/ a team is handed.
TARGET_SECONDS = 40.0
TESTS_TARGET_SECONDS = 15.0
SRC_TARGET_LINES = 1500
PASSED_LINE = re.compile(r"(\d+) passed")
STAGE_LINE = re.compile(r"Running stage '([^']+)'")
DURATION_LINE = re.compile(r"^(\d+\.\d+)s (call|setup|teardown)\s+(\S+)")


def environment(scratch: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV"}
    }
    env.update(
        UV_PYTHON_DOWNLOADS="never",
        DVC_NO_ANALYTICS="1",
        MLFLOW_DISABLE_TELEMETRY="true",
        DO_NOT_TRACK="true",
        PYTHONUNBUFFERED="1",  # so each `Running stage` line is seen when DVC prints it
        PRE_COMMIT_HOME=str(scratch / "pre-commit"),
        DVC_SITE_CACHE_DIR=str(scratch / "dvc-site"),
    )
    return env


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, list]:
    """Wall seconds, CPU seconds, and each output line with the second it arrived."""
    cpu, started = children_cpu(), time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = [(time.perf_counter() - started, line.rstrip()) for line in process.stdout]
    process.wait()
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        tail = "\n".join(line for _, line in lines[-40:])
        sys.exit(f"`{' '.join(command)}` failed in {cwd}:\n{tail}")
    return elapsed, children_cpu() - cpu, lines


def stage_times(lines: list, total: float) -> dict[str, float]:
    """Seconds from each `Running stage` line to the next (the last: to the end of repro)."""
    starts = [(at, match.group(1)) for at, line in lines if (match := STAGE_LINE.search(line))]
    ends = [at for at, _ in starts[1:]] + [total]
    return {name: end - at for (at, name), end in zip(starts, ends, strict=True)}


def slowest_tests(lines: list, count: int = 5) -> list[tuple[float, str]]:
    found = [
        (float(m.group(1)), f"{m.group(2)} {m.group(3)}")
        for _, line in lines
        if (m := DURATION_LINE.match(line))
    ]
    return sorted(found, reverse=True)[:count]


def one_run(template: Path, scratch: Path, env: dict[str, str]) -> dict:
    project = Path(tempfile.mkdtemp(dir=scratch, prefix="project-"))
    run_copy(f"git+{template.as_uri()}", project, defaults=True, quiet=True)
    for command in (["init", "--quiet"], ["add", "--all"], ["commit", "--quiet", "-m", "start"]):
        subprocess.run(["git", *command], cwd=project, check=True, env={**env, **GIT_IDENTITY})
    steps = {
        "install (uv sync)": ["uv", "sync", "--quiet"],
        "pipeline (dvc repro)": ["uv", "run", "--no-sync", "dvc", "repro"],
        "lint (make lint)": [
            "bash",
            "-c",
            "uv run --no-sync ruff check -q . && uv run --no-sync ruff format --check -q . "
            "&& uv run --no-sync sqlfluff lint sql",
        ],
        "tests (pytest)": ["uv", "run", "--no-sync", "pytest", "-q", "--durations=5"],
    }
    result = {"project": project, "wall": {}, "cpu": {}}
    for name, command in steps.items():
        wall, cpu, lines = timed(command, project, env)
        result["wall"][name], result["cpu"][name] = wall, cpu
        if name.startswith("pipeline"):
            result["stages"] = stage_times(lines, wall)
        if name.startswith("tests"):
            result["slowest"] = slowest_tests(lines)
            result["tests"] = next(
                (int(m.group(1)) for _, line in lines if (m := PASSED_LINE.search(line))), 0
            )
    result["shape"] = shape(project)
    return result


def shape(project: Path) -> dict[str, int]:
    """What the project hands the team: lines and modules of src/, lines of tests/."""

    def lines(paths) -> int:
        return sum(len(path.read_text(encoding="utf-8").splitlines()) for path in paths)

    source = sorted((project / "src").rglob("*.py"))
    tests = sorted((project / "tests").rglob("*.py"))
    return {
        "src lines": lines(source),
        "src modules": len(source),
        "test lines": lines(tests),
        "test files": len(tests),
    }


def stage_imports(project: Path, env: dict[str, str]) -> dict[str, tuple[int, float]]:
    """Per stage command: modules imported and their self-reported import seconds."""
    import yaml

    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    python = project / ".venv/bin/python"
    counts = {}
    for name, stage in stages.items():
        package, *arguments = stage["cmd"].split()
        done = subprocess.run(
            [str(python), "-X", "importtime", "-m", package, *arguments],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
        )
        rows = [
            line.split("|") for line in done.stderr.splitlines() if line.startswith("import time:")
        ]
        rows = [row for row in rows if row[0].split(":")[1].strip().isdigit()]
        counts[name] = (len(rows), sum(int(row[0].split(":")[1]) for row in rows) / 1e6)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh projects to time (median)")
    parser.add_argument(
        "--warm", action="store_true", help="then time the last project again, bytecode cached"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        env = environment(scratch)
        template = make_tagged_clone(scratch / "template")
        runs = []
        for number in range(1, args.runs + 1):
            runs.append(one_run(template, scratch, env))
            walls = runs[-1]["wall"]
            shown = "  ".join(
                f"{name.split()[0]} {seconds:5.1f}" for name, seconds in walls.items()
            )
            print(f"run {number}: {shown}  total {sum(walls.values()):5.1f} s", flush=True)
        imports = stage_imports(runs[-1]["project"], env)
        warm = warm_run(runs[-1]["project"], env) if args.warm else None

    print(f"\nmedian of {len(runs)} runs (wall s, CPU s):")
    for name in runs[0]["wall"]:
        wall = statistics.median(run["wall"][name] for run in runs)
        cpu = statistics.median(run["cpu"][name] for run in runs)
        print(f"  {name:<22} {wall:6.1f}  {cpu:6.1f}")
    totals = [sum(run["wall"].values()) for run in runs]
    median = statistics.median(totals)
    tests = statistics.median(run["wall"]["tests (pytest)"] for run in runs)
    print(f"  {'total':<22} {median:6.1f}          {verdict(median, TARGET_SECONDS)}")
    print(f"  {'tests alone':<22} {tests:6.1f}          {verdict(tests, TESTS_TARGET_SECONDS)}")

    print("\nwhat the team is handed (the last run's project):")
    found = runs[-1]["shape"]
    for name, value in found.items():
        print(f"  {name:<22} {value:6d}")
    print(f"  {'tests run':<22} {runs[-1]['tests']:6d}")
    lines_verdict = "within" if found["src lines"] <= SRC_TARGET_LINES else "OVER"
    print(f"  src/ lines {lines_verdict} the target of {SRC_TARGET_LINES:,}")

    print("\ndvc repro, stage by stage (median s, incl. DVC's own work) | imports of the command:")
    for name in runs[0]["stages"]:
        seconds = statistics.median(run["stages"][name] for run in runs)
        modules, import_seconds = imports.get(name, (0, 0.0))
        print(f"  {name:<12} {seconds:6.1f}   | {modules:5d} modules, {import_seconds:5.2f} s")

    print("\nslowest tests (last run):")
    for seconds, test in runs[-1]["slowest"]:
        print(f"  {seconds:6.2f}  {test}")

    if warm is not None:
        print("\nthe last project again, every .pyc written (wall s, CPU s):")
        for name, (wall, cpu) in warm.items():
            print(f"  {name:<22} {wall:6.1f}  {cpu:6.1f}")
    return 0


def verdict(seconds: float, target: float) -> str:
    return f"{'within' if seconds <= target else 'OVER'} the target of {target:.0f} s"


def warm_run(project: Path, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    steps = {
        "pipeline (dvc repro)": ["uv", "run", "--no-sync", "dvc", "repro", "--force"],
        "tests (pytest)": ["uv", "run", "--no-sync", "pytest", "-q"],
    }
    return {name: timed(command, project, env)[:2] for name, command in steps.items()}


if __name__ == "__main__":
    sys.exit(main())
