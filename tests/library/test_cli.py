"""A project's command, built from its spec: the stages as commands in their groups, the
library's commands beside them, one error handler, and run-pipeline running every stage in order."""

from dataclasses import replace

import pytest
from typer.testing import CliRunner

from ml_playbook.cli import project_app
from ml_playbook.errors import ProjectError
from ml_playbook.stage import Stage


def stage(name: str, ran: list, group: str | None = None, fails: bool = False) -> Stage:
    def run(project) -> None:
        """Do one step."""
        if fails:
            raise ProjectError("split.eval_from_month is beyond the data: lower it")
        ran.append((name, project.root))

    return Stage(name, run, group)


@pytest.fixture
def ran() -> list:
    return []


@pytest.fixture
def app(project, ran, monkeypatch):
    monkeypatch.chdir(project.root)
    stages = (stage("synthesize", ran, "data"), stage("train", ran), stage("register", ran))
    return project_app(replace(project.spec, stages=stages), version="1.2.3", summary="Tiny.")


def test_run_pipeline_runs_every_stage_once_in_order_in_the_project(app, ran, project):
    result = CliRunner().invoke(app, ["run-pipeline"])

    assert result.exit_code == 0, result.output
    assert ran == [
        ("synthesize", project.root),
        ("train", project.root),
        ("register", project.root),
    ]


def test_a_stage_is_a_command_of_its_group(app, ran):
    assert CliRunner().invoke(app, ["data", "synthesize"]).exit_code == 0
    assert CliRunner().invoke(app, ["train"]).exit_code == 0
    assert CliRunner().invoke(app, ["synthesize"]).exit_code != 0  # not at the root
    assert [name for name, _ in ran] == ["synthesize", "train"]


def test_a_stage_that_fails_says_why_in_one_line_and_exits_1(project, monkeypatch):
    monkeypatch.chdir(project.root)
    failing = replace(project.spec, stages=(stage("split", [], "data", fails=True),))

    result = CliRunner().invoke(project_app(failing), ["data", "split"])

    assert result.exit_code == 1
    assert result.output.strip() == ("error: split.eval_from_month is beyond the data: lower it")


def test_version_info_and_help_answer(app, project):
    runner = CliRunner()

    assert runner.invoke(app, ["--version"]).output.strip() == "tiny 1.2.3"
    info = runner.invoke(app, ["info"]).output
    assert f"project root: {project.root}" in info
    assert "ml-playbook:" in info
    listed = runner.invoke(app, ["--help"]).output
    for command in (
        "serve",
        "monitor",
        "readiness",
        "eval",
        "release",
        "registry",
        "sql",
        "predict",
    ):
        assert command in listed, command
