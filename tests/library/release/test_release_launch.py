"""The launch criteria (params.yaml `launch`): a floor on the primary metric per test set and a
baseline to beat on every set. `register` never makes a model champion below them — the first
model included — and `release promote` refuses it unless --force with --reason (recorded).
On both tasks: a floor for churn's ROC AUC, a ceiling for spend's RMSE."""

import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.registry import CHAMPION
from ml_playbook.release.gate import register
from ml_playbook.release.launch import shortfalls
from ml_playbook.release.moves import promote
from tests.library.factory import params_dict, write_project
from tests.library.release.projects import (
    candidate,
    copy_project,
    registry_of,
    trained_model,
    weak_model,
)


def out_of_reach(project) -> float:
    """A floor no model reaches (a ceiling none gets under, for an error metric)."""
    return 0.0 if project.primary_metric.lower_is_better else 1.01


def test_the_first_model_below_a_floor_stays_challenger(trained_project, tmp_path):
    # Given a floor on the evaluation set that the trained model does not reach
    project = copy_project(
        trained_project, tmp_path / "p", launch={"floors": {"eval": out_of_reach(trained_project)}}
    )
    registry, name = registry_of(project), project.params.registry.model_name
    metric = project.params.evaluate.primary_metric

    # When it is registered as the first model
    decision = register(project, candidate(project, trained_model(project)))

    # Then it is no champion, and the reason names the floor
    assert decision.promoted is False
    assert registry.alias(name, CHAMPION) is None
    assert f"eval {metric} " in decision.reason
    assert "launch.floors.eval" in decision.reason
    assert decision.reason.endswith("it stays challenger")


def test_a_first_model_that_does_not_beat_the_baseline_stays_challenger(trained_project, tmp_path):
    # Given a model that learnt nothing (the base rate, or the mean)
    project = copy_project(trained_project, tmp_path / "p")

    decision = register(project, candidate(project, weak_model(project)))

    assert decision.promoted is False
    assert "does not beat the baseline's" in decision.reason
    assert registry_of(project).alias(project.params.registry.model_name, CHAMPION) is None


def test_the_trained_model_beats_the_baseline_and_its_floor(trained_project, tmp_path):
    reachable = 1e9 if trained_project.primary_metric.lower_is_better else 0.55
    project = copy_project(trained_project, tmp_path / "p", launch={"floors": {"eval": reachable}})

    recorded = candidate(project, trained_model(project)).metrics

    assert shortfalls(project, recorded) == []
    assert register(project, candidate(project, trained_model(project))).promoted is True


def test_promote_refuses_below_the_criteria_unless_forced_with_a_reason(trained_project, tmp_path):
    # Given a registered model that misses a floor, and no champion
    project = copy_project(
        trained_project, tmp_path / "p", launch={"floors": {"eval": out_of_reach(trained_project)}}
    )
    register(project, candidate(project, trained_model(project)))
    name = project.params.registry.model_name

    # When promoted through the gate, then refused in one line naming the criterion
    with pytest.raises(ProjectError) as caught:
        promote(project, "1", "tester")
    (problem,) = caught.value.problems
    assert problem.startswith("v1 is below the launch criteria: eval ")
    assert problem.endswith("; improve it, or --force with --reason")
    assert registry_of(project).alias(name, CHAMPION) is None

    # When forced with a reason, then champion, and the reason is on the record
    move = promote(project, "1", "tester", force_reason="pilot for one region, PM agreed")
    assert (move.action, move.why) == ("force-promote", "pilot for one region, PM agreed")
    assert registry_of(project).alias(name, CHAMPION) == "1"


def test_a_version_registered_without_a_baseline_is_not_judged_as_passing(
    trained_project, tmp_path
):
    # Given metrics recorded before the baseline existed (no baseline.* keys)
    project = copy_project(trained_project, tmp_path / "p")
    recorded = {
        key: value
        for key, value in candidate(project, trained_model(project)).metrics.items()
        if not key.startswith("baseline.")
    }

    assert any("no baseline eval " in problem for problem in shortfalls(project, recorded))


def test_recorded_metrics_without_a_set_are_not_judged_as_passing(trained_project, tmp_path):
    project = copy_project(trained_project, tmp_path / "p")

    problems = shortfalls(project, {"roc_auc": 0.9, "rmse": 1.0})

    assert problems == [
        "no eval metrics on record to compare with the baseline: run `dvc repro evaluate`, then "
        "register again"
    ]


def test_a_baseline_margin_is_required_on_every_set(trained_project, tmp_path):
    project = copy_project(trained_project, tmp_path / "p", launch={"baseline_margin": 100.0})

    problems = shortfalls(project, candidate(project, trained_model(project)).metrics)

    assert problems and all("by launch.baseline_margin (100)" in p for p in problems)


def test_a_floor_on_a_set_that_is_not_declared_is_refused(tmp_path):
    with pytest.raises(ProjectError, match="launch.floors names holdout, which is not a test set"):
        write_project(tmp_path / "p", launch={"floors": {"holdout": 0.7}})


def test_the_launch_section_is_optional(tmp_path):
    assert "launch" not in params_dict()

    project = write_project(tmp_path / "p")

    assert (project.params.launch.floors, project.params.launch.baseline_margin) == ({}, 0.0)


def test_a_failed_slice_or_inclusion_verdict_keeps_a_model_from_champion(trained_project, tmp_path):
    # Given a project whose evaluate judges a slice gate
    slice_gate = {"floor": 0.0 if trained_project.primary_metric.lower_is_better else 0.5}
    evaluate = {**params_dict(trained_project.params.task)["evaluate"], "slice_gate": slice_gate}
    project = copy_project(trained_project, tmp_path / "p", evaluate=evaluate)
    recorded = candidate(project, trained_model(project)).metrics

    # Then a record without verdicts is not judged as passing, and a failed one is named
    assert shortfalls(project, recorded) == [
        "no verdicts of evaluate.slice_gate / evaluate.inclusion on record: run `dvc repro "
        "evaluate`, then register again"
    ]
    assert shortfalls(project, {**recorded, "gates.failed": 0}) == []
    assert shortfalls(project, {**recorded, "gates.failed": 2}) == [
        "2 slice or inclusion gate verdict(s) failed (reports/metrics.json `gates`)"
    ]


def test_the_baseline_is_compared_only_on_the_sets_named_in_baseline_sets(
    trained_project, tmp_path
):
    # Given a second test set ("few") on whose rows the baseline ranks perfectly
    recorded = dict(candidate(trained_project, trained_model(trained_project)).metrics)
    recorded |= {
        key.replace("eval.", "few.", 1): value
        for key, value in recorded.items()
        if key.startswith(("eval.", "baseline.eval."))
    }
    name = trained_project.params.evaluate.primary_metric
    recorded[f"baseline.few.{name}"] = (
        0.0 if trained_project.primary_metric.lower_is_better else 1.0
    )
    sets = [*params_dict(trained_project.params.task)["test_sets"]]
    sets.append({**sets[0], "name": "few"})
    only_eval = copy_project(
        trained_project, tmp_path / "p", test_sets=sets, launch={"baseline_sets": ["eval"]}
    )
    every_set = copy_project(trained_project, tmp_path / "q", test_sets=sets)

    # When both are judged on that record
    problems, problems_everywhere = shortfalls(only_eval, recorded), shortfalls(every_set, recorded)

    # Then only the project comparing on every set holds "few" against the baseline
    assert problems == []
    assert [p for p in problems_everywhere if p.startswith("few ")] != []


def test_a_baseline_set_that_is_not_declared_is_refused(tmp_path):
    with pytest.raises(
        ProjectError, match="launch.baseline_sets names holdout, which is not a test set"
    ):
        write_project(tmp_path / "p", launch={"baseline_sets": ["holdout"]})


def test_an_empty_list_of_baseline_sets_is_refused(tmp_path):
    with pytest.raises(ProjectError, match="baseline_sets"):
        write_project(tmp_path / "p", launch={"baseline_sets": []})
