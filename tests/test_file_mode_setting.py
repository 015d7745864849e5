"""devtools.file_mode_setting: copier asks git for `core.fileMode` once a render, not once a file,
and still records an executable bit in the index where git ignores the file's mode."""

import subprocess

import pytest
from copier import run_copy

from devtools import file_mode_setting
from devtools.file_mode_setting import read_file_mode_once


def git(repo, *args) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def template(tmp_path):
    """A template of three files, one of them executable."""
    root = tmp_path / "template"
    root.mkdir()
    (root / "copier.yml").write_text("_answers_file: .answers.yml\n")
    for name in ("a.txt", "b.txt"):
        (root / name).write_text(f"{name}\n")
    (root / "run.sh").write_text("#!/bin/sh\n")
    (root / "run.sh").chmod(0o755)
    return root


@pytest.fixture
def project_ignoring_modes(tmp_path):
    """A repository where git ignores file modes, with run.sh committed as not executable."""
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "--quiet")
    git(project, "config", "core.fileMode", "false")
    (project / "run.sh").write_text("#!/bin/sh\n")
    git(project, "add", "run.sh")
    return project


def test_the_setting_is_read_once_for_all_the_files_of_a_render(template, tmp_path, monkeypatch):
    reads = []
    read = file_mode_setting._file_mode_setting
    monkeypatch.setattr(
        file_mode_setting, "_file_mode_setting", lambda folder: reads.append(folder) or read(folder)
    )

    read_file_mode_once()  # as tests/conftest.py does for the session
    run_copy(str(template), tmp_path / "out", quiet=True, defaults=True)

    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "a.txt",
        "b.txt",
        "run.sh",
    ]
    assert reads == [tmp_path / "out"]


def test_where_git_ignores_modes_the_executable_bit_still_reaches_the_index(
    template, project_ignoring_modes
):
    assert git(project_ignoring_modes, "ls-files", "--stage", "run.sh").startswith("100644")

    read_file_mode_once()
    run_copy(str(template), project_ignoring_modes, quiet=True, defaults=True, overwrite=True)

    assert git(project_ignoring_modes, "ls-files", "--stage", "run.sh").startswith("100755")


def test_copier_is_wrapped_once_however_often_it_is_asked():
    from copier._main import Worker

    read_file_mode_once()
    wrapped = Worker._sync_git_index_executable_bit
    read_file_mode_once()

    assert Worker._sync_git_index_executable_bit is wrapped
    assert wrapped.reads_file_mode_once
