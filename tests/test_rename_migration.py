"""devtools/rename_migration.py on its own: the two migration stages around copier's merge.

Copier's part in between is played by hand: it deletes the old file and writes the release's
copy at the new name (tests/test_update_path.py runs the real thing).
"""

import subprocess

import pytest

from devtools import rename_migration

# No render: a git repository of one folder and the script's two stages, in milliseconds, so
# these run in the unit layer.

OLD, NEW = "notebooks/README.md", "notebooks/GUIDE.md"


@pytest.fixture
def project(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def copier_merges(project):
    """What copier does for a renamed file: the old one goes, the release's copy arrives."""
    (project / OLD).unlink(missing_ok=True)
    (project / NEW).write_text("the release's text\n")


def test_the_team_copy_moves_to_the_new_name(project):
    (project / OLD).write_text("the team's text\n")

    assert rename_migration.main(["before", OLD, NEW]) == 0
    copier_merges(project)
    assert rename_migration.main(["after", OLD, NEW]) == 0

    assert (project / NEW).read_text() == "the team's text\n"
    assert not (project / OLD).exists()
    assert not (project / ".git" / "ml-playbook-renames").exists()


def test_a_file_the_team_deleted_stays_deleted_under_its_new_name(project):
    assert rename_migration.main(["before", OLD, NEW]) == 0
    copier_merges(project)
    assert rename_migration.main(["after", OLD, NEW]) == 0

    assert not (project / NEW).exists()
    assert not (project / OLD).exists()


@pytest.mark.parametrize("path", ["../outside.md", "/etc/passwd"])
def test_paths_outside_the_project_are_refused(project, capsys, path):
    assert rename_migration.main(["before", path, NEW]) == 2
    assert capsys.readouterr().out == (
        f"error: {path!r} must be a path inside the project (relative, no '..').\n"
    )
