"""The garbage collector in the test processes (devtools/collector.py): what collection imported
is frozen before the first test, and what the session left is frozen before the process exits."""

import subprocess
import sys
from pathlib import Path

SUITE = """
import atexit
import gc
import os
from pathlib import Path

COUNTS = Path(os.environ["COUNTS"])


def test_runs_with_the_modules_frozen():
    COUNTS.write_text(f"{gc.get_freeze_count()}\\n")
    left_behind.extend([[n] for n in range(1000)])  # as a session fixture's data would be


left_behind = []
atexit.register(lambda: COUNTS.write_text(COUNTS.read_text() + f"{gc.get_freeze_count()}\\n"))
"""


def test_the_collected_modules_are_frozen_first_and_the_rest_at_the_end(tmp_path):
    (tmp_path / "test_suite.py").write_text(SUITE)
    counts = tmp_path / "counts"

    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "devtools.collector", "-p", "no:xdist", "-q"],
        cwd=tmp_path,
        env={"COUNTS": str(counts), "PYTHONPATH": str(Path.cwd()), "PATH": ""},
        capture_output=True,
        text=True,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    during, at_exit = map(int, counts.read_text().split())
    assert during > 1000  # the modules pytest and the suite imported
    assert at_exit >= during + 1000  # and, at the end, what the test left
