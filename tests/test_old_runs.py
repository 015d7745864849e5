"""The earlier runs' temporary folders, deleted in the background (devtools/old_runs.py): the
folders pytest would delete, and only those, leave before the run returns."""

import getpass
import os
import subprocess
import sys
import time
from pathlib import Path

from devtools.old_runs import delete_detached, move_aside, older_runs, trash_of

A_PASSING_SUITE = "def test_passes(tmp_path):\n    (tmp_path / 'out').write_text('x')\n"
SETTINGS = "[pytest]\ntmp_path_retention_policy = all\ntmp_path_retention_count = 1\n"
# Records what the background deletion was handed, then deletes it as the plugin does.
RECORDING = """
import os
from pathlib import Path

import devtools.old_runs as old_runs

delete = old_runs.delete_detached


def recorded(trash):
    Path(os.environ["HANDED"]).write_text(str(len(list(trash.iterdir()))))
    delete(trash)


old_runs.delete_detached = recorded
"""


def numbered(root: Path, number: int, locked: bool = False) -> Path:
    folder = root / f"pytest-{number}"
    (folder / "project").mkdir(parents=True)
    (folder / "project" / "big.bin").write_bytes(b"0" * 1000)
    if locked:
        (folder / ".lock").write_text("a session still running")
    return folder


def gone(path: Path, within: float = 20.0) -> bool:
    deadline = time.monotonic() + within
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not path.exists()


def test_older_runs_are_all_but_the_newest_kept_and_never_a_locked_one(tmp_path):
    # given four runs' folders, the second still locked by a running session, and a stray file
    for number in (1, 3, 4):
        numbered(tmp_path, number)
    numbered(tmp_path, 2, locked=True)
    (tmp_path / "pytest-5").write_text("not a folder")
    (tmp_path / "pytest-current").symlink_to(tmp_path / "pytest-4")

    # when the folders to delete are listed, keeping one
    older = older_runs(tmp_path, keep=1)

    # then the oldest and the third are, not the newest (kept), nor the locked one, nor a file
    assert [path.name for path in older] == ["pytest-1", "pytest-3"]
    assert [path.name for path in older_runs(tmp_path, keep=3)] == ["pytest-1"]


def test_moved_folders_leave_at_once_and_are_deleted_by_a_process_of_their_own(tmp_path):
    root = tmp_path / "pytest-of-someone"
    root.mkdir()
    older = [numbered(root, 1), numbered(root, 2)]

    assert move_aside(older, trash_of(root)) is True
    delete_detached(trash_of(root))

    assert not any(path.exists() for path in older)
    assert gone(trash_of(root))


def test_a_trash_that_is_a_link_elsewhere_is_not_used(tmp_path):
    # given a trash path someone made a link to a folder of theirs
    root, elsewhere = tmp_path / "pytest-of-someone", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    trash_of(root).symlink_to(elsewhere)
    older = [numbered(root, 1)]

    # when the older runs are moved aside, then nothing moves (pytest deletes them itself)
    assert move_aside(older, trash_of(root)) is False
    assert older[0].exists() and list(elsewhere.iterdir()) == []


def test_a_run_returns_with_its_predecessors_folders_moved_aside_and_then_deleted(tmp_path):
    # given a suite whose pytest folder already holds an old run and a running session's folder
    temp = tmp_path / "temp"
    root = temp / f"pytest-of-{getpass.getuser()}"
    root.mkdir(parents=True, mode=0o700)
    old, running = numbered(root, 0), numbered(root, 1, locked=True)
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_one.py").write_text(A_PASSING_SUITE)
    (suite / "pytest.ini").write_text(SETTINGS)
    (suite / "conftest.py").write_text(RECORDING)
    handed = tmp_path / "handed"

    # when it runs with the plugin
    environment = {
        **os.environ,
        "TMPDIR": str(temp),
        "PYTHONPATH": str(Path.cwd()),
        "HANDED": str(handed),
    }
    command = [sys.executable, "-m", "pytest", "-p", "devtools.old_runs", "-p", "no:xdist", "-q"]
    done = subprocess.run(command, cwd=suite, env=environment, capture_output=True, text=True)

    # then the old run's folder was handed to the background deletion (not deleted by pytest),
    # the running session's and this run's stay, and the old one is deleted
    assert done.returncode == 0, done.stdout + done.stderr
    assert handed.read_text() == "1"
    assert not old.exists() and running.exists()
    assert (root / "pytest-2" / "test_passes0" / "out").read_text() == "x"
    assert gone(trash_of(root))
