"""Reading a rendered project (its text files, any template syntax left in them, its README's
commands) and running commands in it as a user types them."""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

SKIPPED_FOLDERS = {".git", ".venv", ".pytest_cache", ".ruff_cache", "__pycache__"}


# A leftover is template syntax that names a copier question or setting: runtime Jinja (the
# SQL models' `{{ ref() }}`) and CI expressions (`${{ }}`) name none, so they are not leftovers.
def leftover_pattern(names: list[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(name) for name in [*names, "_copier_conf", "_copier_answers"])
    return re.compile(rf"(?<!\$)\{{\{{-?[^}}]*\b({alternatives})\b|\{{%-?[^%]*\b({alternatives})\b")


def text_files(root: Path) -> Iterator[tuple[Path, str]]:
    """(path, text) of every UTF-8 file under `root`, outside VCS, environment and cache folders."""
    for path in sorted(root.rglob("*")):
        if not path.is_file() or SKIPPED_FOLDERS & set(path.relative_to(root).parts):
            continue
        try:
            yield path, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def leftover_jinja(root: Path, names: list[str]) -> list[str]:
    """`path:line` of every line, and every path, still holding template syntax about `names`."""
    pattern = leftover_pattern(names)
    found = []
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        if pattern.search(relative) or path.name.endswith(".jinja"):
            found.append(relative)
    for path, text in text_files(root):
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def readme_commands(readme: Path) -> list[str]:
    """The commands of a README's first ```bash block, one per line, without their comments."""
    block = re.search(r"```bash\n(.*?)```", readme.read_text(), re.DOTALL)
    if block is None:
        raise ValueError(f"{readme} has no ```bash block")
    lines = (line.split(" #", 1)[0].strip() for line in block.group(1).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def run_module(cwd: Path, module: str, *arguments: str) -> subprocess.CompletedProcess:
    """`python -m module arguments…` in `cwd` with this environment's tools (ruff, mkdocs…)."""
    return subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def run_commands(commands: list[str], cwd: Path) -> dict[str, str]:
    """Run each command as a user types it (bash, in `cwd`); fail with its output if one fails.
    Returns what each printed (its output and errors, as a terminal shows them)."""
    printed = {}
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, f"`{command}` failed in {cwd}:\n{done.stdout}\n{done.stderr}"
        printed[command] = done.stdout + done.stderr
    return printed


def output_of(command: list[str], cwd: Path) -> str:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True).stdout


def load_rendered(root: Path, package: str, overrides: dict):
    """A rendered project's own package, imported from its src/ (this environment standing in
    for the project's: nothing is installed), loaded with `overrides` on a registry in memory:
    (project, registry, its stages by name, in pipeline order)."""
    import importlib
    import sys
    from dataclasses import replace

    from ml_playbook.registry.memory import MemoryRegistry

    sys.path.insert(0, str(root / "src"))
    try:
        cli = importlib.import_module(f"{package}.cli")
        stages = importlib.import_module(f"{package}.stages")
    finally:
        sys.path.remove(str(root / "src"))
    registry = MemoryRegistry()
    project = replace(cli.SPEC, registry=lambda _: registry).load(root, overrides=overrides)
    return project, registry, {stage.name: stage for stage in stages.STAGES}
