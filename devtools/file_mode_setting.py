"""Copier's `core.fileMode` read once per Worker and destination in the tests, not once a file.

For every file it writes, copier 9.19 runs `git config --get core.fileMode` in the destination
(Worker._sync_git_index_executable_bit) to learn whether git would miss an executable bit it
just set; only where the answer is `false` does it go on to fix the index. A render of this
template writes ~260 files and an update renders three times: ~780 git processes an update,
a quarter of its time. The setting cannot change while one Worker renders (nothing in a render
runs `git init` or `git config` in the destination; `copier update` makes a new Worker for
each of its renders), so each Worker asks git once per destination and keeps the answer.
Where it is `false` copier's own method runs as before, so the index is fixed exactly as
copier fixes it. Only the tests use this; copier in its own process asks every time.
"""

from pathlib import Path

from copier._main import Worker
from copier._vcs import get_git
from plumbum import ProcessExecutionError

_MEMO = "_file_mode_setting_by_destination"


def _file_mode_setting(destination: Path) -> str | None:
    """`git config --type=bool --get core.fileMode` in `destination`; None where it is unset or
    the folder is not in a repository (git exits 1), as copier treats both."""
    try:
        return get_git(context_dir=destination)("config", "--type=bool", "--get", "core.fileMode")
    except (OSError, ProcessExecutionError):
        return None


def reading_file_mode_once(sync_index):
    """Copier's `sync_index` method, asking git for the setting once per Worker and destination."""

    def sync_git_index_executable_bit(worker: Worker, dst_relpath: Path, src_mode: int) -> None:
        settings = vars(worker).setdefault(_MEMO, {})
        destination = worker.subproject.local_abspath
        if destination not in settings:
            settings[destination] = _file_mode_setting(destination)
        setting = settings[destination]
        if setting is not None and setting.strip() == "false":
            sync_index(worker, dst_relpath, src_mode)

    sync_git_index_executable_bit.reads_file_mode_once = True
    return sync_git_index_executable_bit


def read_file_mode_once() -> None:
    """Every copier Worker made in this process from now on reads the setting once per
    destination."""
    if not getattr(Worker._sync_git_index_executable_bit, "reads_file_mode_once", False):
        Worker._sync_git_index_executable_bit = reading_file_mode_once(
            Worker._sync_git_index_executable_bit
        )
