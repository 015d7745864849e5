"""Bytecode lent to a project's environment (devtools/lent_bytecode.py): a project's Python
reads the bytecode of a file it shares with this environment instead of compiling it again,
compiles a file of its own from its source, and never changes the lender's bytecode."""

import os
import py_compile
import subprocess
import sys
from pathlib import Path

import devtools.lent_bytecode as lent_bytecode
from devtools.lent_bytecode import SITE_PACKAGES, compile_stack_once, lend_bytecode


def lender_with_module(root: Path, text: str) -> tuple[Path, Path, Path]:
    """An environment holding `lent_probe.py` (`text`) and its bytecode: (environment, source,
    bytecode)."""
    environment = root / "lender"
    source = environment / SITE_PACKAGES / "lent_probe.py"
    source.parent.mkdir(parents=True)
    source.write_text(text)
    bytecode = Path(py_compile.compile(str(source), doraise=True))
    return environment, source, bytecode


def value_imported_in(project_site: Path, lent: dict[str, str]) -> str:
    """What `lent_probe.VALUE` is in a Python started with the `lent` variables."""
    variables = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    variables |= lent | {"PYTHONPATH": str(project_site)}
    done = subprocess.run(
        [sys.executable, "-c", "import lent_probe; print(lent_probe.VALUE)"],
        env=variables,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_file_the_project_shares_is_read_from_the_lent_bytecode(tmp_path):
    # Given a project whose package file is the lender's own file (as uv links it from its cache)
    environment, source, bytecode = lender_with_module(tmp_path, "VALUE = 'shared'\n")
    project = tmp_path / "project" / ".venv"
    (project / SITE_PACKAGES).mkdir(parents=True)
    os.link(source, project / SITE_PACKAGES / "lent_probe.py")

    # When the bytecode is lent and the project imports the file
    value = value_imported_in(
        project / SITE_PACKAGES, lend_bytecode(project, tmp_path / "prefix", environment)
    )

    # Then it ran, from the lender's bytecode: read, not compiled and written again, here or
    # beside the project's file
    assert value == "shared"
    read = Path(f"{tmp_path / 'prefix'}{project / SITE_PACKAGES}") / bytecode.name
    assert read.stat().st_ino == bytecode.stat().st_ino
    assert not (project / SITE_PACKAGES / "__pycache__").exists()


def test_a_file_of_the_projects_own_is_compiled_from_its_source_and_the_lender_keeps_its_own(
    tmp_path,
):
    # Given a project with another version of the lender's file
    environment, _, bytecode = lender_with_module(tmp_path, "VALUE = 'lender'\n")
    lent = bytecode.read_bytes()
    project = tmp_path / "project" / ".venv"
    (project / SITE_PACKAGES).mkdir(parents=True)
    (project / SITE_PACKAGES / "lent_probe.py").write_text("VALUE = 'the project, v2'\n")

    # When the bytecode is lent and the project imports its file
    value = value_imported_in(
        project / SITE_PACKAGES, lend_bytecode(project, tmp_path / "prefix", environment)
    )

    # Then its own source ran, and the lender's bytecode is as it was
    assert value == "the project, v2"
    assert bytecode.read_bytes() == lent


def test_the_stack_is_compiled_once_for_every_worker_of_a_run(tmp_path, monkeypatch):
    # Given a stack whose import is counted
    (tmp_path / "counted_probe.py").write_text(
        f"with open({str(tmp_path / 'imports')!r}, 'a') as f:\n    f.write('imported\\n')\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setattr(lent_bytecode, "STACK", ("counted_probe", "no_such_module_here"))

    # When two workers of a run ask for it
    compile_stack_once(tmp_path / "run")
    compile_stack_once(tmp_path / "run")

    # Then it was imported once, a module that does not import stopping nothing
    assert (tmp_path / "imports").read_text() == "imported\n"
