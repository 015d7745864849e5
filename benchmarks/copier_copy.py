"""Median wall time of `copier copy --defaults` from a tagged clone of the template.

    uv run python -m benchmarks.copier_copy [--runs 7]

Each run is a fresh process, as a user would start it (so copier's import time counts), with
bytecode caching on as on a user's machine, after one untimed warm-up run.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devtools.template_clone import make_tagged_clone


def time_copy(template: Path, destination: Path) -> float:
    copier = Path(sys.executable).with_name("copier")
    started = time.perf_counter()
    subprocess.run(
        [str(copier), "copy", "--defaults", "--quiet", str(template), str(destination)],
        check=True,
        capture_output=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    )
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="number of timed runs (default 7)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        template = make_tagged_clone(Path(scratch) / "template")
        time_copy(template, Path(scratch) / "warm-up")
        times = []
        for run in range(args.runs):
            destination = Path(scratch) / f"project-{run}"
            times.append(time_copy(template, destination))
            files = sum(1 for path in destination.rglob("*") if path.is_file())
            shutil.rmtree(destination)
    print(
        f"copier copy --defaults: median {statistics.median(times):.2f} s over {args.runs} runs "
        f"(min {min(times):.2f} s, max {max(times):.2f} s), {files} files"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
