"""pre-commit installs and runs the published hooks from a clone of this repository."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.render


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_pre_commit_try_repo_runs_the_hooks_from_a_clone(template_repo, tmp_path):
    project = tmp_path / "project"
    (project / "sql/staging").mkdir(parents=True)
    (project / "sql/staging/stg_customers.sql").write_text("select 1 as id\n")
    (project / "data/raw").mkdir(parents=True)
    (project / "data/raw/customers.csv").write_text("id\n1\n")
    # File names are data, never options: a file named -h must not make a hook print help.
    (project / "-h").write_text("")
    (project / "note.txt").write_text("write to kim.minsu@example.com\n")
    # identify calls a UTF-16 file without a known extension binary (NUL bytes): check-pii
    # must still read it, by its byte-order mark.
    (project / "contacts.export").write_bytes("call lee.jiwoo@example.com\n".encode("utf-16"))
    (project / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0 kim.minsu@example.com")
    git("init", "--quiet", cwd=project)
    git("add", "--all", cwd=project)

    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(template_repo), "--all-files"],
        cwd=project,
        capture_output=True,
        text=True,
    )

    results = {
        line.split("...")[0].strip(): line.rsplit(".", 1)[-1].strip()
        for line in done.stdout.splitlines()
        if "..." in line
    }
    assert done.returncode == 1, done.stdout + done.stderr
    assert results["SQL lives in sql/<layer>/ and is named for its layer"] == "Passed"
    assert results["no data files in git (data goes through DVC)"] == "Failed"
    assert "data/raw/customers.csv: data goes through DVC" in done.stdout
    assert "note.txt:1: email address" in done.stdout
    assert "contacts.export:1: email address" in done.stdout
    assert "logo.png" not in done.stdout  # binary: not text, so not checked for PII
    assert (project / "data/raw/customers.csv").read_text() == "id\n1\n"
