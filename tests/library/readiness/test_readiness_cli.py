"""`readiness`: the score printed and written to reports/readiness/, exit 1 below the floor
(params.yaml or --floor); `--list` names the 28 items a marker may name."""

import json

import pytest
import typer
from typer.testing import CliRunner

from ml_playbook.cli import readiness as readiness_cli
from ml_playbook.cli.common import Apps
from ml_playbook.project.paths import READINESS_REPORT
from tests.library.factory import write_project


@pytest.fixture
def invoke(tmp_path, monkeypatch):
    """Run `<package> readiness …` in a project whose tests prove data-1 and CI runs them."""
    project = write_project(tmp_path / "project")
    (project.root / "tests").mkdir()
    (project.root / "tests/test_a.py").write_text(
        "import pytest\n\n\n@pytest.mark.readiness('data-1')\ndef test_it():\n    pass\n"
    )
    (project.root / ".gitlab-ci.yml").write_text("test:\n  script: [make test]\n")
    app = typer.Typer()
    app.callback()(lambda: None)  # a group, so `readiness` is a subcommand as in the project
    readiness_cli.register(Apps(app, typer.Typer()), project.spec)
    monkeypatch.chdir(project.root)
    return lambda *args: CliRunner().invoke(app, ["readiness", *args])


def test_readiness_prints_and_writes_the_score(invoke):
    result = invoke()

    assert result.exit_code == 0, result.output
    assert any(line.startswith("data-1 ") and " 1  " in line for line in result.output.splitlines())
    assert "final score" in result.output
    assert f"wrote {READINESS_REPORT}/readiness.json and {READINESS_REPORT}/index.html" in (
        result.output
    )
    written = json.loads((READINESS_REPORT / "readiness.json").read_text())
    assert written["sections"]["data"] == 1
    assert (READINESS_REPORT / "index.html").is_file()


def test_readiness_below_the_floor_fails_saying_what_to_raise(invoke):
    result = invoke("--floor", "1")

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "error: the ML Test Score 0 is below the floor 1: raise the items at 0 (see "
        "docs/readiness.md), or lower readiness.floor in params.yaml"
    )


def test_readiness_list_names_every_item(invoke):
    result = invoke("--list")

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 28
    assert lines[0].split()[0] == "data-1"
    assert lines[-1].split()[0] == "monitoring-7"


def test_readiness_quotes_the_paper_and_says_what_would_earn_each_missing_item(invoke):
    result = invoke()
    listed = invoke("--list")

    lines = result.output.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("monitoring-7 ")))
    assert lines[at].endswith(
        '"The model has not experienced a regression in prediction quality on served data."'
    )
    assert (
        lines[at + 1]
        .strip()
        .startswith(
            "not earned: a check of rule `prediction_quality` in extend.py `monitor_checks`"
        )
    )
    assert listed.output.splitlines()[0] == (
        'data-1            "Feature expectations are captured in a schema."'
    )


def test_readiness_help_says_what_counts_and_when_it_exits_1(invoke):
    result = invoke("--help")

    assert result.exit_code == 0
    text = " ".join(result.output.replace("│", " ").split())  # rich may box the help
    assert "Exit 0 at or above the floor; 1 below it, or when the evidence cannot be read" in text
    assert "the monitor's summary of served traffic" in text
