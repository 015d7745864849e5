"""The gate of `register`: the first model becomes champion, a challenger replaces it only when
it beats it by the margin (in the metric's direction), and only where `release.auto_promote`
lets `register` move champion by itself; every run is logged with its flat params."""

import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.modeling.metrics import CLASSIFICATION, REGRESSION, STANDARD, is_better
from ml_playbook.registry import CHALLENGER, CHAMPION, Candidate
from ml_playbook.registry.memory import MemoryRegistry
from ml_playbook.registry.moves import auto_promote_allowed
from ml_playbook.release.gate import flat_params, flatten, provenance_tags, register
from ml_playbook.release.moves import promote
from tests.library.release.projects import (
    candidate,
    copy_project,
    registry_of,
    strict,
    trained_model,
    weak_model,
)


def aliases(registry, name: str) -> list[list[str]]:
    return [list(version.aliases) for version in registry.versions(name)]


def test_the_first_model_is_champion_and_a_weaker_challenger_stays_challenger(
    trained_project, tmp_path
):
    # Given a project with an empty registry
    project = copy_project(trained_project, tmp_path / "p")
    registry, name = registry_of(project), project.params.registry.model_name
    metric = project.params.evaluate.primary_metric

    # When its model is registered, then it is champion and challenger
    first = register(project, candidate(project, trained_model(project)))
    assert (first.promoted, first.reason, first.version) == (True, "first model", "1")
    assert aliases(registry, name) == [[CHALLENGER, CHAMPION]]
    assert metric in registry.versions(name)[0].metrics

    # When a challenger that cannot beat it by the margin is registered, it is not promoted
    second = register(strict(project), candidate(project, trained_model(project)))
    assert second.promoted is False
    assert (second.champion_version, second.champion_value) == ("1", first.value)
    assert f"{metric} {second.value:.4f} vs champion {first.value:.4f}" in second.reason
    assert aliases(registry, name) == [[CHALLENGER], [CHAMPION]]
    assert [move.action for move in registry.moves(name)] == ["auto-promote"]


def test_a_challenger_that_beats_the_champion_replaces_it_on_the_record(trained_project, tmp_path):
    # Given a weak champion (put there by hand: the launch criteria keep it from being one)
    project = copy_project(trained_project, tmp_path / "p")
    registry, name = registry_of(project), project.params.registry.model_name
    register(project, candidate(project, weak_model(project)))
    promote(project, "1", "tester", force_reason="a weak champion, by hand")

    # When the trained model is registered
    decision = register(project, candidate(project, trained_model(project)))

    # Then it is champion, and the move names what it replaced and why
    assert decision.promoted is True
    assert registry.alias(name, CHAMPION) == "2"
    move = registry.moves(name)[-1]
    assert (move.action, move.from_version, move.to_version) == ("auto-promote", "1", "2")
    assert move.why == decision.reason
    direction = "lower" if project.params.task == REGRESSION else "higher"
    assert f"({direction} is better, margin 0.0)" in decision.reason


@pytest.mark.parametrize(
    ("local", "rule", "promoted"),
    [
        (True, "local", True),
        (False, "local", False),
        (False, "always", True),
        (True, "never", False),
    ],
)
def test_register_moves_champion_itself_only_where_the_rule_allows(
    trained_project, tmp_path, local, rule, promoted
):
    project = copy_project(
        trained_project, tmp_path / "p", MemoryRegistry(local=local), release={"auto_promote": rule}
    )

    decision = register(project, candidate(project, trained_model(project)))

    assert auto_promote_allowed(rule, local) is promoted
    assert decision.promoted is promoted
    assert registry_of(project).alias(project.params.registry.model_name, CHAMPION) == (
        "1" if promoted else None
    )
    assert registry_of(project).alias(project.params.registry.model_name, CHALLENGER) == "1"
    if not promoted:
        assert decision.reason.endswith(
            "proposed as challenger: auto-promotion is off for this registry, promote with "
            "`release promote 1`"
        )


def test_a_champion_without_the_metric_is_replaced(trained_project, tmp_path):
    # Given a champion whose run logged no metrics
    project = copy_project(trained_project, tmp_path / "p")
    registry, name = registry_of(project), project.params.registry.model_name
    metric = project.params.evaluate.primary_metric
    registry.register(name, Candidate(trained_model(project), "unmeasured"))
    registry.set_alias(name, CHAMPION, "1")

    # When a measured model is registered
    decision = register(project, candidate(project, trained_model(project)))

    # Then it replaces it: there is nothing to compare
    assert decision.promoted is True
    assert decision.reason == f"champion v1 has no {metric}"


def test_a_run_without_the_primary_metric_is_refused_before_anything_is_registered(
    trained_project, tmp_path
):
    project = copy_project(trained_project, tmp_path / "p")
    metric = project.params.evaluate.primary_metric
    unmeasured = Candidate(trained_model(project), "unmeasured", metrics={"rows": 9})

    with pytest.raises(ProjectError) as caught:
        register(project, unmeasured)

    assert caught.value.problems == [
        f"the run's metrics have no '{metric}' (evaluate.primary_metric), which the gate "
        "compares: run the evaluate stage (`dvc repro evaluate`) first"
    ]
    assert registry_of(project).versions(project.params.registry.model_name) == []


def test_the_run_logs_every_setting_flat_and_its_provenance(trained_project, tmp_path):
    project = copy_project(trained_project, tmp_path / "p")
    tags = provenance_tags(project.root, {"train": "data/processed/set_train.parquet"})

    register(project, candidate(project, trained_model(project)))

    run = registry_of(project).runs(project.params.registry.model_name)[0]
    assert run.params == flat_params(project.params)
    assert run.params["train.model"] == "hist_gradient_boosting"
    assert run.params["registry.promotion_margin"] == "0.0"
    assert flatten({"a": {"b": {"c": 1}}, "d": [1, 2]}) == {"a.b.c": "1", "d": "[1, 2]"}
    assert tags["git_commit"] == "no-commit-yet"  # not a git checkout
    assert len(tags["data.train.md5"]) == 32
    assert tags["data.train.path"] == "data/processed/set_train.parquet"


def test_a_missing_data_file_is_one_line_naming_it(tmp_path):
    with pytest.raises(ProjectError) as caught:
        provenance_tags(tmp_path, {"train": "data/processed/set_train.parquet"})

    assert len(caught.value.problems) == 1
    assert "set_train.parquet: cannot be read" in caught.value.problems[0]


@pytest.mark.parametrize(
    ("task", "metric", "challenger", "champion", "margin", "better"),
    [
        (CLASSIFICATION, "roc_auc", 0.80, 0.75, 0.0, True),
        (CLASSIFICATION, "roc_auc", 0.76, 0.75, 0.02, False),
        (REGRESSION, "rmse", 9.0, 10.0, 0.0, True),
        (REGRESSION, "rmse", 11.0, 10.0, 0.0, False),
        (CLASSIFICATION, "log_loss", 0.5, 0.5, 0.0, False),
    ],
)
def test_better_respects_the_metric_direction_and_margin(
    task, metric, challenger, champion, margin, better
):
    assert is_better(STANDARD[task][metric], challenger, champion, margin) is better
