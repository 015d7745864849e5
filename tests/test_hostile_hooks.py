"""Hostile input through every hook's console script, as pre-commit runs them: one process
given a tree of binary, non-UTF-8, UTF-16, empty, 50 MB and 20 MB-one-line files, malformed
YAML/JSON/notebooks/DVC files, names that look like options or hold newlines, symlinks
(dangling, looping, to /dev/zero), FIFOs, folders and missing paths.

Every run has a time and a memory limit. No run may print a traceback, hang or split a
message over lines; a file named `-h` must not silence a real finding; what is not a
regular file is noted and passes.
"""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from devtools.template_clone import TEMPLATE_ROOT

HOOKS = [
    hook["entry"] for hook in yaml.safe_load((TEMPLATE_ROOT / ".pre-commit-hooks.yaml").read_text())
]
SCRIPTS = Path(sys.executable).parent
TIMEOUT_SECONDS = 30  # a hang, not a slow machine: each run takes well under a second
MEMORY_BYTES = 1024**3  # address space: Python, the hook's libraries and a bounded read
CRASHES = ("Traceback", "MemoryError", "RecursionError")

LONG_QUERY = (
    'QUERY = """\nselect\n    id,\n    sum(x) as x\nfrom t\nwhere y > 3\ngroup by id\n"""\n'
)
CLEAN_NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
OUTPUT_CELL = {"cell_type": "code", "source": ["1"], "metadata": {}, "execution_count": 1,
               "outputs": [{"output_type": "execute_result", "data": {"text/plain": ["1"]}}]}  # fmt: skip
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
)
RECORD = {
    "name": "raw", "description": "Raw exports, for the hostile tree.", "paths": ["data/raw/ok.parquet"],
    "source": {"system": "CRM", "collection_method": "nightly export"},
    "owner": {"team": "data", "contact": "@data-eng"}, "license": "MIT",
    "legal_basis": {"basis": "not_personal_data", "note": "synthetic"},
    "time_range": {"start": "2024-01-01", "end": "2024-12-31"}, "pii": {"present": False, "fields": []},
    "retention": {"delete_by": "2030-12-31"}, "lineage": {"produced_by": ["x"], "consumed_by": ["y"]},
    "version": "dvc.lock", "sensitivity": "public",
    "sign_off": {"reviewer": "@ml-lead", "date": "2024-02-01", "decision": "approved"},
}  # fmt: skip

# A real finding of each hook, planted among the hostile files: (file, what its line says).
FINDINGS = {
    "check-sql-layout": ("sql\\staging\\stg_back.sql", "sql\\staging\\stg_back.sql: SQL belongs in"),
    "check-sql-in-python": ("src/pkg/queries.py", "src/pkg/queries.py:1: a 6-line SQL string"),
    "check-notebooks": ("notebooks/01-ab-outputs.ipynb", "01-ab-outputs.ipynb: 1 cell(s) keep outputs"),
    "check-data-files": ("data/raw/customers.csv", "data/raw/customers.csv: data goes through DVC"),
    "check-process-doc": ("docs/process.md", "docs/process.md:1: section 'Empty' has no answer"),
    "check-update-leftovers": ("conflict.txt", "conflict.txt:2: conflict marker <<<<<<<"),
    "check-pii": ("note.txt", "note.txt:1: email address"),
    "check-data-records": ("data/raw/customers.csv", "data/raw/customers.csv: no valid provenance"),
}  # fmt: skip
# Malformed input each hook must name in one line: (file, what is wrong).
MALFORMED = {
    "check-data-records": [
        ("stages_list/dvc.yaml", "`stages` must be a mapping"),
        ("no_body/dvc.yaml", "stage 'train' has no body"),
        ("empty_outs/dvc.yaml", "`outs` is empty"),
        ("number_out/dvc.yaml", "every entry of `outs` must be a path"),
        ("data/raw/path_number.dvc", "needs a `path`"),
        ("data/raw/scalar.dvc", "must be a mapping"),
        ("data/raw/list.dvc", "must be a mapping"),
        ("data/sources/bad_date.yml", "'2030-02-30' is not a 'date'"),
        ("data/sources/deep.yml", "nest"),
        ("data/sources/bomb.yml", "holds more than 100,000 values"),
        ("data/sources/fifo.yml", "not a regular file"),
        ("data/raw/missing.dvc", "no such file"),
    ],
    "check-notebooks": [
        ("notebooks/02-ab-string.ipynb", "not a Jupyter notebook"),
        ("notebooks/03-ab-null.ipynb", "not a Jupyter notebook"),
        ("notebooks/04-ab-list.ipynb", "not a Jupyter notebook"),
        ("notebooks/05-ab-nocells.ipynb", "not a Jupyter notebook"),
        ("notebooks/06-ab-deep.ipynb", "nested too deeply"),
        ("notebooks/07-ab-broken.ipynb", "invalid JSON at line 1"),
        ("notebooks/09-ab-missing.ipynb", "no such file"),
        ("notebooks/10-ab-folder.ipynb", "skipped, a folder, not a regular file"),
    ],
    "check-sql-in-python": [
        ("src/pkg/minus.py", "nests too deeply for Python to parse"),
        ("src/pkg/missing.py", "no such file"),
        ("src/pkg/dangling.py", "skipped, a dangling symlink"),
        ("src/pkg/folder.py", "skipped, a folder, not a regular file"),
    ],
    "check-pii": [
        ("utf16.txt", "utf16.txt:1: email address"),
        ("utf32.txt", "utf32.txt:1: phone number"),
        ("big.txt", "over 5 MB"),
        ("line.txt", "over 5 MB"),
        ("latin1.txt", "not UTF-8 text"),
        ("'odd\\nname.txt'", ":1: email address"),
        ("docs/fifo.md", "skipped, a FIFO, not a regular file"),
        ("docs/zero.md", "skipped, a device, not a regular file"),
        ("docs/loop.md", "skipped, a symlink loop"),
        ("'latin\\udce9name.txt'", ":1: email address"),
    ],
    "check-process-doc": [
        ("docs/fifo.md", "skipped, a FIFO, not a regular file"),
        ("line.txt", "line.txt:1: section '" + "a" * 80 + "…' holds a placeholder (TBD)"),
    ],
    "check-update-leftovers": [("docs/zero.md", "skipped, a device, not a regular file")],
    "check-sql-layout": [("--help.sql", "--help.sql: SQL belongs in")],
}
# What is not a regular file, named as each hook would want its files named: noted, never failed.
NOT_REGULAR = [
    pattern.format(kind)
    for pattern in ["notebooks/20-ab-{}.ipynb", "src/pkg/{}.py", "docs/{}.md",
                    "sql/staging/stg_{}.sql", "data/raw/{}.csv.dvc"]
    for kind in ["fifo", "zero", "dangling", "loop", "folder"]
]  # fmt: skip


def build(root: Path) -> list[str]:
    """Write the hostile tree under `root`; return the names to pass, as pre-commit would."""

    names = []

    def put(name: str, content: str | bytes = "") -> None:
        names.append(name)
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())

    put("-h", "kim.minsu@example.com\n")
    put("--help", "")
    put("-rf.py", "import os\n")
    put("--help.sql", "select 1\n")
    put("sql\\staging\\stg_back.sql", "select 1\n")
    put("src/pkg/queries.py", LONG_QUERY)
    put("notebooks/01-ab-outputs.ipynb", json.dumps({**CLEAN_NOTEBOOK, "cells": [OUTPUT_CELL]}))
    put("data/raw/customers.csv", "id\n1\n")
    put(
        "docs/process.md",
        "## Empty\n\n## a" + " " * 3000 + "b\n\n## " + "H\x1b" * 10_000 + "\n\nTBD\n",
    )
    put("conflict.txt", "a\n<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n")
    put("note.txt", "write to kim.minsu@example.com\n")
    # Malformed DVC files and records.
    put("stages_list/dvc.yaml", "stages:\n  - train\n")
    put("no_body/dvc.yaml", "stages:\n  train:\n")
    put("empty_outs/dvc.yaml", "stages:\n  train:\n    cmd: x\n    outs:\n")
    put("number_out/dvc.yaml", "stages:\n  train:\n    cmd: x\n    outs: [5]\n")
    put("data/raw/path_number.dvc", "outs:\n- path: 5\n")
    put("data/raw/scalar.dvc", "just text\n")
    put("data/raw/list.dvc", "[1, 2]\n")
    put("data/sources/raw.yml", yaml.safe_dump(RECORD))
    put(
        "data/sources/bad_date.yml",
        yaml.safe_dump({**RECORD, "name": "bad_date"}).replace("2024-02-01", "2030-02-30"),
    )
    put("data/sources/deep.yml", "a: " + "[" * 5000 + "]" * 5000 + "\n")
    put("data/sources/bomb.yml", BOMB)
    # Malformed notebooks and Python.
    put("notebooks/02-ab-string.ipynb", '{"cells": "abc"}')
    put("notebooks/03-ab-null.ipynb", "null")
    put("notebooks/04-ab-list.ipynb", "[1, 2]")
    put("notebooks/05-ab-nocells.ipynb", '{"a": 1}')
    put("notebooks/06-ab-deep.ipynb", "[" * 100_000)
    put("notebooks/07-ab-broken.ipynb", "{not json")
    put("notebooks/08-ab-bom.ipynb", b"\xef\xbb\xbf" + json.dumps(CLEAN_NOTEBOOK).encode())
    put("src/pkg/minus.py", "x = " + "-" * 200_000 + "1\n")
    # Encodings, sizes, names.
    put("binary.bin", b"\x00\x01\x02kim.minsu@example.com" * 100)
    put("latin1.txt", "café kim.minsu@example.com\n".encode("latin-1"))
    put("utf16.txt", "mail kim.minsu@example.com\n".encode("utf-16"))
    put("utf32.txt", "call +1 650-253-0000\n".encode("utf-32"))
    put("empty.txt", "")
    put("odd\nname.txt", "kim.minsu@example.com\n")
    put("esc\x1b[31mred.md", "## \x1b[31mred\n")
    put(os.fsdecode(b"latin\xe9name.txt"), "kim.minsu@example.com\n")  # not UTF-8: surrogates
    put("big.txt", (b"x" * 1023 + b"\n") * (50 * 1024))  # 50 MB of 1 KB lines
    put("line.txt", b"## " + b"a" * (20 * 1024 * 1024) + b"\n\nTBD\n")  # a 20 MB line
    # What is not a regular file.
    os.mkfifo(root / "data/sources/fifo.yml")
    for name in NOT_REGULAR:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if "fifo" in name:
            os.mkfifo(path)
        elif "zero" in name:
            path.symlink_to("/dev/zero")
        elif "dangling" in name:
            path.symlink_to(root / "nowhere")
        elif "loop" in name:
            path.symlink_to(path)
        else:
            path.mkdir()
    (root / "notebooks/10-ab-folder.ipynb").mkdir()
    missing = ["notebooks/09-ab-missing.ipynb", "src/pkg/missing.py", "data/raw/missing.dvc"]
    return sorted(
        {*names, *NOT_REGULAR, *missing, "notebooks/10-ab-folder.ipynb", "data/sources/fifo.yml"}
    )


@pytest.fixture(scope="session")
def hostile_tree(tmp_path_factory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("hostile")
    return root, build(root)


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def run(hook: str, names: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            [str(SCRIPTS / hook), *names],
            cwd=cwd,
            capture_output=True,
            text=True,
            errors="backslashreplace",
            timeout=TIMEOUT_SECONDS,
            preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{hook} hung: no answer in {TIMEOUT_SECONDS} s")


@pytest.mark.parametrize("hook", HOOKS)
def test_a_hostile_tree_gets_one_line_per_problem_and_the_real_finding(hook, hostile_tree):
    root, names = hostile_tree

    done = run(hook, names, root)

    output = done.stdout + done.stderr
    assert not any(crash in output for crash in CRASHES), output[-3000:]
    assert done.returncode == 1, output[-3000:]
    lines = done.stdout.splitlines()
    assert FINDINGS[hook][1] in done.stdout, "a file named -h silenced the real finding"
    for name, what in MALFORMED.get(hook, []):
        assert any(line.startswith(name) and what in line for line in lines), (name, what)
    assert not any(line.startswith("name.txt") for line in lines), "a newline split a message"
    assert "\x1b" not in done.stdout, "a control character reached the terminal"
    assert all(len(line) < 1000 for line in lines), "content echoed back in full"


@pytest.mark.parametrize("hook", HOOKS)
def test_what_is_not_a_regular_file_is_noted_and_passes(hook, hostile_tree):
    root, _ = hostile_tree

    done = run(hook, NOT_REGULAR, root)

    assert done.returncode == 0, done.stdout + done.stderr
    assert not any(crash in done.stdout + done.stderr for crash in CRASHES)
    assert all("skipped" in line for line in done.stdout.splitlines()), done.stdout


@pytest.mark.parametrize("hook", HOOKS)
def test_help_is_printed_only_when_asked_alone(hook, tmp_path):
    done = run(hook, ["--help"], tmp_path)

    assert done.returncode == 0
    assert done.stdout.startswith("usage:")


def test_check_pii_scans_long_runs_of_address_characters_in_time(tmp_path):
    (tmp_path / "minified.js").write_text("var a='" + "ab1.c_d%e+f-" * 85_000 + "';\n")
    (tmp_path / "hex.txt").write_text("0123456789abcdef" * 10_000 + "\n")
    (tmp_path / "digits.txt").write_text("1-2 3.4 " * 10_000 + "\n")

    done = run("check-pii", ["minified.js", "hex.txt", "digits.txt"], tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
