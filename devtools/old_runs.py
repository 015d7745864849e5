"""The temporary folders of earlier runs, deleted in the background: a pytest plugin
(tests/conftest.py loads it).

pytest keeps the last run's folders (pyproject.toml: `tmp_path_retention_count = 1`) and deletes
the older ones when a run ends, before it returns: a whole run leaves ~1 GB of rendered projects
and their environments, ~12 s to delete, which the next run (often the fast layer) would wait
for. Here the run that ends moves those folders aside (a rename, instant) and a detached process
deletes them while the prompt is back. pytest then finds nothing left to delete.

Only folders pytest would delete are moved: numbered `pytest-N` folders older than the ones kept,
without a `.lock` (a session still running holds one). A deletion cut short (the machine stopped)
is finished by the next run.
"""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

NUMBERED = re.compile(r"pytest-(\d+)")


def trash_of(root: Path) -> Path:
    """Beside pytest's folder (the same file system, so a move is a rename), not in it."""
    return root.with_name(f"{root.name}-trash")


def older_runs(root: Path, keep: int) -> list[Path]:
    """The numbered run folders pytest would delete: all but the newest `keep`, unlocked."""
    numbered = {}
    for path in root.iterdir():
        match = NUMBERED.fullmatch(path.name)
        if match and path.is_dir() and not path.is_symlink():
            numbered[int(match.group(1))] = path
    newest = sorted(numbered, reverse=True)[:keep]
    return [
        path
        for number, path in sorted(numbered.items())
        if number not in newest and not (path / ".lock").exists()
    ]


def move_aside(paths: list[Path], trash: Path) -> bool:
    """Move `paths` into `trash`; False (nothing moved: pytest deletes them itself) when the
    trash is not a folder of this user's, as pytest refuses a root that is not its user's."""
    trash.mkdir(mode=0o700, exist_ok=True)
    if trash.is_symlink() or not trash.is_dir() or trash.stat().st_uid != os.getuid():
        return False
    for path in paths:
        try:
            path.rename(trash / uuid.uuid4().hex)
        except OSError:
            continue  # another session moved or deleted it first: pytest's own rule applies
    return True


def delete_detached(trash: Path) -> None:
    """Delete everything in `trash` from a process of its own that outlives this one."""
    subprocess.Popen(
        [sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)", trash],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    """Before pytest's own clean-up (the `tmpdir` plugin's session finish) finds them."""
    config = session.config
    factory = getattr(config, "_tmp_path_factory", None)
    if hasattr(config, "workerinput") or factory is None or config.option.basetemp:
        return  # a worker (its folders are the controller's), or a folder the user named
    if factory._basetemp is None or config.getini("tmp_path_retention_policy") != "all":
        return  # no folder made this run, or pytest deletes this run's own folders itself
    root = factory._basetemp.parent
    trash = trash_of(root)
    if move_aside(older_runs(root, int(config.getini("tmp_path_retention_count"))), trash):
        delete_detached(trash)
