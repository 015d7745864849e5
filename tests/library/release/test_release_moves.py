"""Champion's moves after `register`: `promote` through the gate on the evaluation set (or
forced, with a reason), `rollback` one champion at a time, every move on the record; a shared
registry moves nothing without the model card."""

from datetime import datetime

import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.modeling.metrics import is_better
from ml_playbook.registry import CHAMPION
from ml_playbook.registry.memory import MemoryRegistry
from ml_playbook.release.gate import register
from ml_playbook.release.moves import promote, rollback, status
from tests.library.release.projects import candidate, copy_project, registry_of, trained_model


def champion(project) -> str | None:
    return registry_of(project).alias(project.params.registry.model_name, CHAMPION)


def test_the_gate_refuses_a_challenger_that_does_not_beat_the_champion(released):
    metric = released.params.evaluate.primary_metric

    with pytest.raises(ProjectError) as caught:
        promote(released, None, "tester")

    (problem,) = caught.value.problems
    assert problem.startswith(f"v2 does not beat champion v1: {metric} ")
    assert problem.endswith("; improve it, or --force with --reason")
    assert champion(released) == "1"
    assert len(registry_of(released).moves(released.params.registry.model_name)) == 1


def test_a_forced_promotion_skips_the_gate_on_the_record(released):
    move = promote(released, None, "tester", force_reason="try the small model")

    assert (move.action, move.from_version, move.to_version) == ("force-promote", "1", "2")
    assert (move.who, move.why, move.evaluation) == ("tester", "try the small model", {})
    assert champion(released) == "2"


@pytest.mark.parametrize("written", ["2", "v2", "V02"])
def test_a_version_is_named_as_people_write_it(released, written):
    move = promote(released, written, "tester", force_reason="named by hand")

    assert move.to_version == "2"
    assert champion(released) == "2"


def test_the_gate_lets_a_better_version_through_with_its_evaluation(released):
    promote(released, None, "tester", force_reason="try the small model")
    metric = released.params.evaluate.primary_metric

    move = promote(released, "1", "tester")

    assert (move.action, move.from_version, move.to_version) == ("promote", "2", "1")
    better, worse = move.evaluation["1"][metric], move.evaluation["2"][metric]
    assert is_better(released.primary_metric, better, worse, margin=0.0)
    assert set(move.evaluation["1"]) == set(released.metrics)
    assert move.why.startswith(f"{metric} {better:.4f} vs champion {worse:.4f} (")
    assert champion(released) == "1"


def test_each_rollback_goes_back_one_champion_and_is_recorded(released):
    promote(released, None, "tester", force_reason="try the small model")
    promote(released, "1", "tester")

    assert rollback(released, "tester", "the small model is worse").to_version == "2"
    assert rollback(released, "tester", "back to the first").to_version == "1"

    state = status(released)
    assert [(m["action"], m["from_version"], m["to_version"]) for m in state["moves"]] == [
        ("auto-promote", None, "1"),  # register, on the project's own store
        ("force-promote", "1", "2"),
        ("promote", "2", "1"),
        ("rollback", "1", "2"),
        ("rollback", "2", "1"),
    ]
    assert (state["moves"][-1]["who"], state["moves"][-1]["why"]) == ("tester", "back to the first")
    with pytest.raises(ProjectError, match="no earlier champion is recorded for v1"):
        rollback(released, "tester", "again")


def test_status_names_the_aliases_and_when_the_champion_was_registered(released):
    state = status(released)

    assert (state["model"], state["champion"], state["challenger"]) == ("tiny-model", "1", "2")
    registered = datetime.fromisoformat(state["champion_registered_at"])
    assert registered == registry_of(released).version("tiny-model", "1").created_at.replace(
        microsecond=0
    )
    assert [move["action"] for move in state["moves"]] == ["auto-promote"]


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1", "v1 is already champion"),
        ("99", "'tiny-model' has no version 99"),
    ],
)
def test_a_version_that_cannot_be_promoted_is_one_line_naming_it(released, version, message):
    with pytest.raises(ProjectError) as caught:
        promote(released, version, "tester")

    assert len(caught.value.problems) == 1
    assert message in caught.value.problems[0]


def test_an_empty_registry_has_no_challenger_to_promote_nor_champion_to_roll_back(project):
    with pytest.raises(ProjectError, match="'tiny-model' has no challenger: register a model"):
        promote(project, None, "tester")
    with pytest.raises(ProjectError, match="'tiny-model' has no champion to roll back"):
        rollback(project, "tester", "why")
    assert status(project)["champion_registered_at"] is None


def test_a_shared_registry_needs_the_model_card_before_anything_moves(trained_project, tmp_path):
    # Given a shared registry where `register` only proposed the model
    project = copy_project(trained_project, tmp_path / "p", MemoryRegistry(local=False))
    register(project, candidate(project, trained_model(project)))
    card = tmp_path / "card.md"

    # When it is promoted without a card, or with a card that is not there, nothing moves
    with pytest.raises(ProjectError, match="a shared registry needs --model-card"):
        promote(project, None, "tester")
    with pytest.raises(ProjectError, match="card.md: no such file"):
        promote(project, None, "tester", model_card=card)
    assert champion(project) is None

    # When the card is given, the version is champion and the card is kept with its run
    card.write_text("# model card\n")
    move = promote(project, None, "tester", model_card=card)

    assert (move.action, move.to_version) == ("promote", "1")
    assert champion(project) == "1"
    assert registry_of(project).attached[("tiny-model", "1")] == [("release", card)]
