"""What a generated project's CI runs, and whether each command exists in the project.

CI cannot run here, so tests read its files: every shell line of a GitHub workflow (`run:`)
or a GitLab job (`before_script`, `script`, `after_script`), the `make` targets and the
`uv run` commands on them, checked against the project's Makefile, its command-line tool
(the Typer app, read in a separate interpreter) and its declared dependencies.
"""

import json
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

CI_FILES = {"github": ".github/workflows/*.yml", "gitlab": ".gitlab-ci.yml"}
# check-jsonschema's vendored schemas: no network needed.
SCHEMAS = {"github": "vendor.github-workflows", "gitlab": "vendor.gitlab-ci"}
_MAKE_TARGET = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:(?!=)", re.MULTILINE)
_SEPARATORS = {"&&", "||", ";", "|", "(", ")", "&"}
# `uv run` options that take a value (the command follows them).
_UV_RUN_VALUED = {"--with", "--python", "-p", "--package", "--group", "--extra", "--env-file"}
_GITLAB_SCRIPT_KEYS = ("before_script", "script", "after_script")


def ci_files(project: Path, provider: str) -> list[Path]:
    return sorted(project.glob(CI_FILES[provider])) if provider in CI_FILES else []


def _strings(value: Any) -> Iterator[str]:
    """GitLab scripts are strings or (nested) lists of strings."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def shell_scripts(path: Path, provider: str) -> Iterator[tuple[str, str]]:
    """(job name, script text) for every script a CI file runs."""
    config = yaml.safe_load(path.read_text()) or {}
    if provider == "github":
        for job_name, job in (config.get("jobs") or {}).items():
            for step in job.get("steps") or []:
                if "run" in step:
                    yield job_name, step["run"]
        return
    for job_name, job in config.items():
        if isinstance(job, dict):
            for key in _GITLAB_SCRIPT_KEYS:
                for script in _strings(job.get(key)):
                    yield job_name, script


def commands(script: str) -> Iterator[list[str]]:
    """The simple commands of a shell script: words split at `&&`, `||`, `;`, `|`, newlines."""
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            words = list(lexer)
        except ValueError:  # an unfinished quote spans lines: the line holds no command we check
            continue
        current: list[str] = []
        for word in [*words, ";"]:
            if word in _SEPARATORS:
                if current:
                    yield current
                current = []
            else:
                current.append(word)


def make_targets(makefile: Path) -> set[str]:
    return set(_MAKE_TARGET.findall(makefile.read_text()))


def cli_commands(project: Path, package: str) -> set[str]:
    """Every command path of the project's tool ("train", "registry show"), without installing it."""
    program = f"""
import json, importlib
from typer.main import get_command
def walk(command, prefix):
    yield prefix
    for name, sub in getattr(command, "commands", {{}}).items():
        yield from walk(sub, f"{{prefix}} {{name}}".strip())
print(json.dumps(list(walk(get_command(importlib.import_module("{package}.cli").app), ""))))
"""
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=project,
        env={"PYTHONPATH": str(project / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"cannot read the commands of {package}.cli:\n{done.stderr}")
    return set(json.loads(done.stdout))


def declared_tools(project: Path) -> set[str]:
    """Normalised names of every dependency in pyproject.toml (the tools `uv run` may start)."""
    config = tomllib.loads((project / "pyproject.toml").read_text())
    requirements = list(config.get("project", {}).get("dependencies", []))
    for group in config.get("dependency-groups", {}).values():
        requirements += [item for item in group if isinstance(item, str)]
    for extra in config.get("project", {}).get("optional-dependencies", {}).values():
        requirements += extra
    names = {re.split(r"[\s<>=!~;\[@]", item, maxsplit=1)[0] for item in requirements}
    return {name.lower().replace("_", "-") for name in names}


def missing_commands(project: Path, provider: str, package: str) -> list[str]:
    """One line per command the CI runs that the project does not have."""
    targets = make_targets(project / "Makefile")
    tools = declared_tools(project)
    cli = None
    missing = []
    for path in ci_files(project, provider):
        for job, script in shell_scripts(path, provider):
            for words in commands(script):
                where = f"{path.relative_to(project)} ({job})"
                if words[0] == "make":
                    missing += [
                        f"{where}: make {word}: no such target in the Makefile"
                        for word in words[1:]
                        if not word.startswith("-") and "=" not in word and word not in targets
                    ]
                elif words[:2] == ["uv", "run"]:
                    rest = _after_uv_run_options(words[2:])
                    if not rest:
                        continue
                    if rest[0] == package:
                        cli = cli if cli is not None else cli_commands(project, package)
                        if not _is_cli_command(rest[1:], cli):
                            missing.append(f"{where}: {' '.join(rest)}: no such command")
                    elif not any(tool.startswith(rest[0].lower()) for tool in tools):
                        missing.append(f"{where}: uv run {rest[0]}: not a dependency")
    return missing


def _is_cli_command(words: list[str], cli: set[str]) -> bool:
    """Whether `words` (options and arguments included) start with a command of the tool."""
    path = []
    for word in words:
        if word.startswith("-"):
            break
        path.append(word)
    for length in range(len(path), -1, -1):
        command = " ".join(path[:length])
        if command in cli:
            is_group = any(
                other.startswith(f"{command} ") or (not command and other) for other in cli
            )
            # A group followed by a word that is none of its commands is a typo, not an argument.
            return length == len(path) or not is_group
    return False


def _after_uv_run_options(words: list[str]) -> list[str]:
    index = 0
    while index < len(words) and words[index].startswith("-"):
        index += 2 if words[index] in _UV_RUN_VALUED else 1
    return words[index:]


def schema_errors(project: Path, provider: str) -> str:
    """check-jsonschema's report on the provider's CI files (empty when they are valid)."""
    files = ci_files(project, provider)
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", SCHEMAS[provider]]
        + [str(path) for path in files],
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if done.returncode == 0 else done.stdout + done.stderr
