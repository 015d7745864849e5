"""The repository keeps its conventions: the template's checks (the ml-playbook package, the
same code as the pre-commit hooks) run over every file git tracks, so CI enforces them too."""

import subprocess

import pytest
from ml_playbook.hooks import (
    check_data_files,
    check_notebooks,
    check_sql_in_python,
    check_sql_layout,
    check_update_leftovers,
)


@pytest.fixture
def tracked_files(request, monkeypatch) -> list[str]:
    """Every file git tracks, with the project root as the working directory."""
    root = request.config.rootpath
    done = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        pytest.skip("no files tracked by git yet: `make setup` makes the first commit")
    monkeypatch.chdir(root)
    return [name for name in done.stdout.splitlines() if (root / name).is_file()]


@pytest.mark.parametrize(
    "check",
    [
        check_sql_layout,
        check_sql_in_python,
        check_notebooks,
        check_data_files,
        check_update_leftovers,
    ],
    ids=lambda module: module.__name__.rsplit(".", 1)[-1],
)
def test_tracked_files_follow_the_convention(check, tracked_files, capsys):
    assert check.main(tracked_files) == 0, capsys.readouterr().out


def test_the_checks_see_the_project_files(tracked_files):
    assert "sql/staging/stg_customers.sql" in tracked_files
