"""Where the tests' temporary files go: a memory file system when this machine has one with room.

A run creates ~100,000 files: template checkouts (copier clones the template for every
render), rendered projects and their copies, git repositories, servers' data folders. On this
kind of machine creating a file on the disk costs ~0.6 ms of kernel time, and ~0.02 ms on
/dev/shm (tmpfs): the render layer alone took 127-141 instead of 158-169 s of test time, its
kernel time 21-24 instead of 53-68 s; a whole run's kernel time fell from ~118 to ~60 s. So
when TMPDIR is not set and /dev/shm has MEMORY_ROOM free, the test process points TMPDIR there
before any temporary folder is made; the workers, and every process they start, inherit it.

The projects the end-to-end tests install stay on the disk (INSTALL_TEMP): uv links their
packages from its cache, and a link cannot cross file systems — uv would copy ~1.7 GB a
project, and the copies would no longer match the bytecode the tests lend them
(devtools/lent_bytecode.py).
"""

import os
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

MEMORY = Path("/dev/shm")
# A full run leaves ~1.5 GB there, and pytest keeps the previous run's folders: with less
# room than this, the disk is the safer place.
MEMORY_ROOM = 4 * 2**30
# Where the projects the tests install go (the temporary folder before the switch), for the
# workers: they inherit TMPDIR already pointing at the memory file system.
INSTALL_TEMP = "ML_PLAYBOOK_TESTS_INSTALL_TMPDIR"


def has_room(folder: Path, room: int = MEMORY_ROOM) -> bool:
    """`folder` is a folder this user may create files in, with `room` bytes free."""
    try:
        stats = os.statvfs(folder)
    except OSError:  # no such folder on this system
        return False
    return (
        folder.is_dir()
        and os.access(folder, os.W_OK | os.X_OK)
        and (stats.f_bavail * stats.f_frsize >= room)
    )


def use_memory_for_temp(
    environ: MutableMapping[str, str] = os.environ,
    memory: Path = MEMORY,
    room: int = MEMORY_ROOM,
) -> Path | None:
    """Point TMPDIR (in `environ`, and this process's `tempfile`) at `memory` when the user
    chose no folder and it has `room`; return it, or None when temporary files stay where they
    were. The folder for installs (install_temp) is the one they were going to."""
    if environ.get("TMPDIR") or not has_room(memory, room):
        return None
    environ[INSTALL_TEMP] = tempfile.gettempdir()
    environ["TMPDIR"] = str(memory)
    if environ is os.environ:
        tempfile.tempdir = None  # forget the folder it cached: gettempdir() reads TMPDIR again
    return memory


def install_temp(environ: MutableMapping[str, str] = os.environ) -> Path:
    """The folder for projects the tests install with uv: the disk's temporary folder when
    the others went to memory, else where the others go."""
    return Path(environ.get(INSTALL_TEMP) or tempfile.gettempdir())
