"""Answers stay answers: every command docs/process.md names, per question, runs in a rendered
project — `--help` for the project's and the tools' commands, `make -n` for Make targets — and
the cheap ones run for real on the bundled sample data. One render, one `uv sync`."""

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.e2e

COMMAND = re.compile(r"`((?:make|uv run) [^`]+)`")  # git and uvx are tools outside the project
SUBCOMMAND = re.compile(r"[a-z][a-z-]*")
# Commands answers name that are cheap enough to run as written, in this order (each needs
# the one before); `{package}` is the project's command.
RUN_AS_WRITTEN = [
    "uv run {package} data synthesize",
    "uv run {package} data generate",
    "uv run {package} sql show feat_customer_month",
    "uv run {package} sql test",
    "uv run sqlfluff lint sql",
]


@pytest.fixture(scope="module")
def project(render) -> Path:
    root = render({}, name="answers")
    run(["uv", "sync", "--quiet"], root).check_returncode()
    return root


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def answer_commands(root: Path) -> list[tuple[str, str]]:
    """(question, command) for every command in an answer of docs/process.md."""
    text = (root / "docs/process.md").read_text()
    found = []
    for section in text.split("\n### ")[1:]:
        question = re.match(r'<a id="(q\d+)"', section)
        if question:
            found += [(question.group(1), command) for command in COMMAND.findall(section)]
    return found


def probe(command: str, package: str) -> list[str]:
    """The cheap form of `command` that fails when it does not exist."""
    words = shlex.split(command.replace("<", "").replace(">", ""))
    if words[0] == "make":
        return ["make", "-n", *(word for word in words[1:] if "=" not in word)]
    tool, arguments = words[2], words[3:]
    if tool in (package, "dvc"):
        subcommand = []
        for word in arguments[:2]:
            if not SUBCOMMAND.fullmatch(word):
                break
            subcommand.append(word)
        return ["uv", "run", tool, *subcommand, "--help"]
    return ["uv", "run", tool, "--help"]


def test_every_command_in_an_answer_runs(project):
    package = yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]
    commands = answer_commands(project)

    failed = []
    for question, command in commands:
        cheap = probe(command, package)
        done = run(cheap, project)
        if done.returncode != 0:
            failed.append(f"{question}: `{command}` ({' '.join(cheap)}): {done.stderr[-300:]}")

    assert len({question for question, _ in commands}) >= 20
    assert failed == []


def test_the_cheap_commands_answers_name_run_as_written(project):
    package = yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]
    named = {command for _, command in answer_commands(project)}

    for template in RUN_AS_WRITTEN:
        command = template.format(package=package)
        assert command in named, f"no answer names `{command}` any more"
        done = run(shlex.split(command), project)
        assert done.returncode == 0, f"`{command}`:\n{done.stdout}\n{done.stderr}"


def test_a_label_of_the_other_kind_without_its_task_and_metric_is_refused(project, tmp_path):
    # q3: switching to the regression target needs `task` and the primary metric changed too.
    package = yaml.safe_load((project / ".copier-answers.yml").read_text())["package_name"]
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["task"] = "regression"
    params["train"]["label"] = "future_spend"
    changed = tmp_path / "params.yaml"
    changed.write_text(yaml.safe_dump(params))

    done = run(["uv", "run", package, "sql", "list", "--params", str(changed)], project)

    assert done.returncode == 1
    assert f"evaluate.primary_metric '{params['evaluate']['primary_metric']}'" in done.stderr
    assert "Traceback" not in done.stderr
