"""The gates on groups of the test sets: quality on every slice the team can trust, and no
sensitive group — a column, or a slice the project registers — served much worse than
another."""

import numpy as np
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.sets import SetScores
from ml_playbook.evaluation.slices import (
    gate_failures,
    inclusion_failures,
    inclusion_gaps,
    judged_groups,
    slice_gate_failures,
    slice_labels,
)
from ml_playbook.modeling.metrics import CLASSIFICATION
from ml_playbook.project.params import InclusionParams, SliceGateParams
from tests.library.evaluation.conftest import ON_CLASSIFICATION

# Bounds the trained model meets on every trusted group (its slices score 0.65-0.82 ROC AUC,
# 3.1-3.8 RMSE), and a model serving one group badly does not.
GATES = {
    CLASSIFICATION: (
        SliceGateParams(floor=0.6, min_class_rows=5),
        InclusionParams(columns=["country"], max_gap=0.15, min_class_rows=5),
    ),
    "regression": (
        SliceGateParams(floor=10.0),
        InclusionParams(columns=["country"], max_gap=1.0),
    ),
}


@pytest.fixture
def gated(trained_project):
    """The trained project with a slice gate and an inclusion gate fit for its task."""
    slice_gate, inclusion = GATES[trained_project.params.task]
    evaluate = trained_project.params.evaluate.model_copy(
        update={"slice_gate": slice_gate, "inclusion": inclusion}
    )
    return trained_project.with_params(evaluate=evaluate)


def with_evaluate(project, **changes):
    return project.with_params(evaluate=project.params.evaluate.model_copy(update=changes))


def served_worse(project, result: SetScores, name: str, value: str) -> SetScores:
    """The same set with the model's answers for one group made wrong."""
    groups = slice_labels(result.frame, name, project.extensions.slices, "the set")
    rows = (groups == value).to_numpy()
    scores = np.array(result.scores, dtype=float)
    if project.params.task == CLASSIFICATION:
        scores[rows] = 1 - scores[rows]  # the ranking within the group reversed
    else:
        scores[rows] = scores[rows] + 100  # every answer in the group 100 off
    return SetScores(result.spec, result.frame, result.label, scores, result.metrics)


def test_every_slice_large_enough_to_trust_reaches_the_quality_floor(gated, scored):
    gate = gated.params.evaluate.slice_gate
    metric = gated.params.evaluate.primary_metric

    judged = [
        group
        for result in scored
        for name in result.spec.slices
        for group in judged_groups(gated, result, name, metric, gate.min_class_rows)
        if group.trusted
    ]
    failures = slice_gate_failures(gated, scored)

    assert judged, "no slice has enough rows to judge: the gate would prove nothing"
    assert failures == []
    assert gate_failures(gated, scored) == []


def test_no_gate_set_judges_nothing(trained_project, scored):
    primary = served_worse(trained_project, scored[0], "plan", "basic")

    assert gate_failures(trained_project, [primary]) == []


def test_a_slice_served_badly_trips_the_gate_and_is_named(gated, scored):
    primary, *others = scored

    failures = slice_gate_failures(gated, [served_worse(gated, primary, "plan", "basic"), *others])

    assert any("eval: slice plan=basic (420 rows)" in line for line in failures), failures
    assert all("evaluate.slice_gate in params.yaml" in line for line in failures)
    bound = "floor" if gated.params.task == CLASSIFICATION else "ceiling"
    assert all(f"misses the {bound}" in line for line in failures)


def test_a_registered_slice_is_gated_like_a_column(gated, scored):
    primary = scored[0]
    spec = primary.spec.model_copy(update={"slices": ["tenure_band"]})
    banded = SetScores(spec, primary.frame, primary.label, primary.scores, primary.metrics)
    value = str(slice_labels(primary.frame, "tenure_band", gated.extensions.slices, "x").mode()[0])

    failures = slice_gate_failures(gated, [served_worse(gated, banded, "tenure_band", value)])

    assert any(f"slice tenure_band={value}" in line for line in failures), failures


def test_a_slice_too_small_to_trust_is_not_judged(gated, scored):
    primary, *others = scored
    strict = with_evaluate(gated, min_slice_rows=len(primary.frame) + 1)

    failures = slice_gate_failures(strict, [served_worse(gated, primary, "plan", "basic"), *others])

    assert failures == []


@ON_CLASSIFICATION
def test_a_slice_of_one_class_has_no_ranking_metric_and_is_not_judged(gated, scored):
    primary, *others = scored
    rows = (primary.frame["plan"] == "basic").to_numpy()
    label = primary.label.where(~rows, 0)  # nobody on the basic plan churns
    one_class = SetScores(primary.spec, primary.frame, label, primary.scores, primary.metrics)

    failures = slice_gate_failures(gated, [one_class, *others])

    assert not any("plan=basic" in line for line in failures)


def test_no_sensitive_group_is_served_much_worse_than_another(gated, scored):
    gaps = inclusion_gaps(gated, scored)
    failures = inclusion_failures(gated, scored)

    assert {worst.column for worst, _ in gaps} == set(gated.params.evaluate.inclusion.columns)
    assert failures == []


def test_a_sensitive_group_served_worse_trips_the_inclusion_gate(gated, scored):
    primary, *others = scored
    column = gated.params.evaluate.inclusion.columns[0]
    group = str(primary.frame[column].mode()[0])

    failures = inclusion_failures(gated, [served_worse(gated, primary, column, group), *others])

    assert len(failures) == 1
    assert f"across {column} ({group} " in failures[0]
    assert "evaluate.inclusion.max_gap" in failures[0]
    assert gate_failures(gated, [served_worse(gated, primary, column, group)]) != []


def test_a_registered_slice_may_be_a_sensitive_group(gated, scored):
    inclusion = gated.params.evaluate.inclusion.model_copy(update={"columns": ["tenure_band"]})

    gaps = inclusion_gaps(with_evaluate(gated, inclusion=inclusion), scored)

    assert [worst.column for worst, _ in gaps] == ["tenure_band"]


def test_an_inclusion_column_no_test_set_has_is_named(gated, scored):
    inclusion = gated.params.evaluate.inclusion.model_copy(update={"columns": ["religion"]})

    with pytest.raises(ProjectError, match="no test set has religion, and extend.py registers"):
        inclusion_failures(with_evaluate(gated, inclusion=inclusion), scored)


def test_a_gate_metric_the_task_does_not_have_is_named(gated, scored):
    gate = gated.params.evaluate.slice_gate.model_copy(update={"metric": "bleu"})

    with pytest.raises(ProjectError, match="slice_gate.metric 'bleu' is not a"):
        slice_gate_failures(with_evaluate(gated, slice_gate=gate), scored)
