"""The `release` and `registry` commands: what each prints, and every problem as one `error:`
line with exit 1."""

import json
import sys

import pytest
from typer.testing import CliRunner

from ml_playbook.registry.memory import MemoryRegistry
from tests.library.factory import write_project
from tests.library.release.projects import cli_app, registry_of

runner = CliRunner()


@pytest.fixture
def run(monkeypatch):
    def invoke(project, *arguments: str):
        monkeypatch.chdir(project.root)
        return runner.invoke(cli_app(project.spec), list(arguments))

    return invoke


def test_promote_prints_the_move_and_rollback_undoes_it(released, run):
    forced = run(
        released, "release", "promote", "--force", "--reason", "try it", "--approver", "ann"
    )
    back = run(released, "release", "rollback", "--reason", "worse")

    when = (
        "a running service serves it within 1 s plus its load time (it checks the registry for "
        "changes every second)\n"
    )
    assert (forced.exit_code, forced.output) == (0, "champion: v1 -> v2 (try it)\n" + when)
    assert (back.exit_code, back.output) == (0, "champion: v2 -> v1 (rollback: worse)\n" + when)


def test_force_without_a_reason_is_refused_before_anything_moves(released, run):
    result = run(released, "release", "promote", "--force")

    assert (result.exit_code, result.output) == (
        1,
        "error: --force needs --reason: say why the gate is skipped\n",
    )
    assert json.loads(run(released, "release", "status", "--json").output)["champion"] == "1"


def test_a_refused_promotion_is_one_error_line(released, run):
    result = run(released, "release", "promote")

    assert result.exit_code == 1
    assert result.output.startswith("error: v2 does not beat champion v1: ")
    assert len(result.output.splitlines()) == 1


def test_status_lists_the_aliases_and_the_moves(released, run):
    run(released, "release", "promote", "--force", "--reason", "try it", "--approver", "ann")

    lines = run(released, "release", "status").output.splitlines()
    state = json.loads(run(released, "release", "status", "--json").output)

    assert lines[0] == "model:      tiny-model"
    assert lines[1] == f"champion:   v2 (registered {state['champion_registered_at']})"
    assert lines[2] == "challenger: - (none beside champion)"  # v2, the challenger, is champion
    assert lines[3].endswith(
        "  auto-promote  v- -> v1  by " + state["moves"][0]["who"] + ": first model"
    )
    assert lines[4] == f"{state['moves'][1]['at']}  force-promote v1 -> v2  by ann: try it"
    assert [move["action"] for move in state["moves"]] == ["auto-promote", "force-promote"]


def test_registry_show_lists_versions_aliases_and_the_primary_metric(released, run):
    metric = released.params.evaluate.primary_metric
    versions = registry_of(released).versions("tiny-model")

    lines = run(released, "registry", "show").output.splitlines()
    shown = json.loads(run(released, "registry", "show", "--json").output)

    assert lines == [
        f"v2    challenger             {metric}={versions[0].metrics[metric]:.4f}  run "
        f"{versions[0].run_id}",
        f"v1    champion               {metric}={versions[1].metrics[metric]:.4f}  run "
        f"{versions[1].run_id}",
    ]
    assert shown["model"] == "tiny-model"
    assert [(v["version"], v["aliases"]) for v in shown["versions"]] == [
        ("2", ["challenger"]),
        ("1", ["champion"]),
    ]
    assert shown["versions"][1]["metrics"][metric] == versions[1].metrics[metric]


def test_registry_show_says_when_nothing_is_registered(project, run):
    result = run(project, "registry", "show")

    assert (result.exit_code, result.output) == (
        0,
        "no versions of 'tiny-model' yet: run `make pipeline`\n",
    )


def test_registry_ui_runs_the_registrys_ui_or_says_it_has_none(project, tmp_path, run):
    class WithUi(MemoryRegistry):
        def ui_command(self, port: int) -> list[str]:
            return [sys.executable, "-c", f"raise SystemExit({port % 256})"]

    served = write_project(tmp_path / "served", registry=WithUi())

    plain = run(project, "registry", "ui")
    ui = run(served, "registry", "ui", "--port", "5003")

    assert (plain.exit_code, plain.output) == (
        1,
        "error: the registry at memory:// has no UI to run: `registry show` lists its versions\n",
    )
    assert ui.exit_code == 5003 % 256
