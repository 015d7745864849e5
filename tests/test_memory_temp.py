"""The tests' temporary files go to a memory file system with room, unless the user chose a
folder; the projects they install stay where temporary files were going."""

import os
import tempfile
from pathlib import Path

from devtools.memory_temp import INSTALL_TEMP, has_room, install_temp, use_memory_for_temp


def more_than_free(folder: Path) -> int:
    """A room `folder`'s file system cannot have: twice its free bytes, and a GiB more."""
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize * 2 + 2**30


def test_without_a_chosen_folder_temporary_files_go_to_memory_and_installs_stay(tmp_path):
    # given no TMPDIR and a memory file system with room
    environ: dict[str, str] = {}
    before = tempfile.gettempdir()

    # when the suite starts
    chosen = use_memory_for_temp(environ, memory=tmp_path, room=1)

    # then temporary files go there, and installs where temporary files were going
    assert chosen == tmp_path
    assert environ["TMPDIR"] == str(tmp_path)
    assert str(install_temp(environ)) == before


def test_a_folder_the_user_chose_is_kept_for_everything(tmp_path):
    environ = {"TMPDIR": str(tmp_path / "mine")}

    assert use_memory_for_temp(environ, memory=tmp_path, room=1) is None

    assert environ == {"TMPDIR": str(tmp_path / "mine")}
    assert INSTALL_TEMP not in environ


def test_without_a_memory_file_system_or_without_room_in_it_nothing_changes(tmp_path):
    environ: dict[str, str] = {}

    assert use_memory_for_temp(environ, memory=tmp_path / "absent", room=1) is None
    assert use_memory_for_temp(environ, memory=tmp_path, room=more_than_free(tmp_path)) is None

    assert environ == {}
    assert install_temp(environ) == Path(tempfile.gettempdir())


def test_room_means_a_folder_with_that_many_bytes_free(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")

    assert has_room(tmp_path, room=1)
    assert not has_room(tmp_path, room=more_than_free(tmp_path))
    assert not has_room(a_file, room=1)
    assert not has_room(tmp_path / "absent", room=1)
