"""`register` end to end on MLflow's own store (the one test here that pays for MLflow: seconds):
the first model becomes champion with its run's metrics, a weaker challenger stays challenger,
and pointing MLflow at one project leaves the next one its own store."""

import os
from datetime import UTC, datetime

import pytest

from ml_playbook.modeling.metrics import CLASSIFICATION
from ml_playbook.project.paths import MLFLOW_STORE
from ml_playbook.registry.mlflow import MlflowRegistry, tracking_uri
from ml_playbook.registry.moves import champion_on, parse_moment
from ml_playbook.release.gate import register
from tests.library.release.projects import candidate, copy_project, strict, trained_model


@pytest.mark.parametrize("task", [CLASSIFICATION])  # one task: the registry does not care
def test_register_on_mlflow_keeps_a_champion_and_a_weaker_challenger(
    trained_project, tmp_path, monkeypatch, new_mlflow_store
):
    # Given a project whose registry is MLflow's local store beside it (empty, as MLflow
    # makes it on first use)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    root = new_mlflow_store(tmp_path / "project")
    registry = MlflowRegistry(root)
    project = copy_project(trained_project, root, registry)
    metric, name = project.params.evaluate.primary_metric, project.params.registry.model_name

    # When its model is registered, then it is champion, its run's metric read back
    first = register(project, candidate(project, trained_model(project)))

    versions = registry.versions(name)
    assert (first.promoted, first.reason) == (True, "first model")
    assert [list(v.aliases) for v in versions] == [["challenger", "champion"]]
    assert versions[0].metrics[metric] == first.value
    assert [move.action for move in registry.moves(name)] == ["auto-promote"]
    today = datetime.now(UTC).date().isoformat()
    assert champion_on(registry.moves(name), parse_moment(today)) == "1"  # `champion@today`

    # When a challenger cannot beat it by the margin, then it stays challenger
    second = register(strict(project), candidate(project, trained_model(project)))

    assert second.promoted is False
    assert [list(v.aliases) for v in registry.versions(name)] == [["challenger"], ["champion"]]
    assert registry.runs(name)[1].params["train.model"] == "hist_gradient_boosting"
    # MLflow exports the URI it is pointed at; the next project must still get its own store
    assert "MLFLOW_TRACKING_URI" not in os.environ
    assert tracking_uri(tmp_path / "next") == f"sqlite:///{tmp_path / 'next' / MLFLOW_STORE}"
