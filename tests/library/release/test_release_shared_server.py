"""A team's shared registry: the generated project's `make mlflow-server` recipe, run as written
on a real PostgreSQL (both on loopback), with this environment standing in for the project's.
`register` there only proposes (the version is challenger); `release promote` with a model
card, by a person or CI, moves champion; the model's files land in the server's artifact store.

Slow (a database server, an MLflow server): the `engines` layer."""

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devtools.requirements import require
from devtools.servers import mlflow_server, postgres
from ml_playbook.modeling.metrics import CLASSIFICATION
from ml_playbook.project.paths import MLFLOW_STORE
from ml_playbook.registry.mlflow import MlflowRegistry
from ml_playbook.release.gate import register
from tests.library.release.projects import candidate, cli_app, copy_project, trained_model

pytestmark = pytest.mark.engines
runner = CliRunner()


@pytest.mark.parametrize("task", [CLASSIFICATION])  # one task: the registry does not care
def test_register_proposes_and_promote_moves_champion_on_a_shared_server(
    trained_project, render, tmp_path, monkeypatch
):
    require("postgres")
    # Given the recipe of a generated project, and a trained project with a model card
    recipe = render(name="shared-server")
    artifacts = tmp_path / "artifacts"
    card = tmp_path / "model-card.md"
    card.write_text("# Model card\n\nIntended use: tests.\n")
    tools = Path(sys.executable).parent

    with postgres() as backend, mlflow_server(recipe, backend, artifacts, tools) as url:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        registry = MlflowRegistry(tmp_path / "project")
        project = copy_project(trained_project, tmp_path / "project", registry)
        name = project.params.registry.model_name

        # When its model is registered, then it is only proposed
        decision = register(project, candidate(project, trained_model(project)))
        proposed = [list(version.aliases) for version in registry.versions(name)]

        # When CI promotes it with the model card, then it is champion
        monkeypatch.chdir(project.root)
        commands = cli_app(project.spec)
        promoted = runner.invoke(
            commands, ["release", "promote", "--model-card", str(card), "--approver", "ci"]
        )
        shown = json.loads(runner.invoke(commands, ["registry", "show", "--json"]).output)

    assert registry.uri == url and not registry.local
    assert decision.promoted is False, "a shared registry only proposes; a person or CI promotes"
    assert proposed == [["challenger"]]
    assert promoted.exit_code == 0, promoted.output
    assert "champion: v- -> v1" in promoted.output
    assert "champion" in shown["versions"][0]["aliases"]
    assert any(path.name == "MLmodel" for path in artifacts.rglob("*")), "no model on the server"
    assert not (project.root / MLFLOW_STORE).exists(), "the shared server, not a local store"
