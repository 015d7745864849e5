"""The gates on groups of the test sets, judged with their uncertainty: quality on every slice
the team can trust (a slice fails only when its whole bootstrap interval misses the floor), and
no sensitive group — a column, or a slice the project registers — served much worse than
another (the gap's whole interval above max_gap). Too few rows is "not judged", with why."""

import numpy as np
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.evaluation import gate_verdicts
from ml_playbook.evaluation.gate_verdicts import (
    FAILED,
    NOT_JUDGED,
    PASSED,
    inclusion_verdicts,
    slice_verdicts,
    summary,
    verdicts,
)
from ml_playbook.evaluation.sets import SetScores
from ml_playbook.evaluation.slices import slice_labels
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


@pytest.fixture(autouse=True)
def fewer_resamples(monkeypatch):
    """Wider intervals, the same verdicts here: the groups served badly are far off."""
    monkeypatch.setattr(gate_verdicts, "RESAMPLES", 40)


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


def by_subject(found) -> dict:
    return {verdict.subject: verdict for verdict in found}


def test_every_slice_large_enough_to_trust_passes_with_its_interval(gated, scored):
    found = slice_verdicts(gated, scored)

    judged = [v for v in found if v.status != NOT_JUDGED]
    assert judged, "no slice has enough rows to judge: the gate would prove nothing"
    assert [v for v in found if v.status == FAILED] == []
    assert all(v.low <= v.estimate <= v.high for v in judged)
    assert summary(verdicts(gated, scored))["failed"] == 0


def test_no_gate_set_judges_nothing(trained_project, scored):
    primary = served_worse(trained_project, scored[0], "plan", "basic")

    assert verdicts(trained_project, [primary]) == []


def test_a_slice_served_badly_fails_and_is_named(gated, scored):
    primary, *others = scored

    found = by_subject(
        slice_verdicts(gated, [served_worse(gated, primary, "plan", "basic"), *others])
    )

    failed = found["plan=basic"]
    assert (failed.status, failed.set, failed.gate) == (FAILED, "eval", "slice_gate")
    if gated.params.task == CLASSIFICATION:
        assert failed.high < failed.bound  # the whole interval below the floor
    else:
        assert failed.low > failed.bound  # the whole interval above the ceiling


def test_a_slice_whose_interval_reaches_the_floor_is_not_failed(gated, scored):
    # Given a floor between the worst slice's estimate and the top of its interval
    found = [v for v in slice_verdicts(gated, scored) if v.status == PASSED]
    lower = gated.params.task != CLASSIFICATION
    worst = max(found, key=lambda v: v.estimate) if lower else min(found, key=lambda v: v.estimate)
    floor = (worst.estimate + worst.low) / 2 if lower else (worst.estimate + worst.high) / 2
    gate = gated.params.evaluate.slice_gate.model_copy(update={"floor": floor})

    # When judged, then its point estimate misses the floor, yet the slice is not failed
    verdict = by_subject(slice_verdicts(with_evaluate(gated, slice_gate=gate), scored))[
        worst.subject
    ]
    assert (verdict.estimate > floor) if lower else (verdict.estimate < floor)
    assert verdict.status == PASSED


def test_a_registered_slice_is_gated_like_a_column(gated, scored):
    primary = scored[0]
    spec = primary.spec.model_copy(update={"slices": ["tenure_band"]})
    banded = SetScores(spec, primary.frame, primary.label, primary.scores, primary.metrics)
    value = str(slice_labels(primary.frame, "tenure_band", gated.extensions.slices, "x").mode()[0])

    found = by_subject(slice_verdicts(gated, [served_worse(gated, banded, "tenure_band", value)]))

    assert found[f"tenure_band={value}"].status == FAILED


def test_a_slice_too_small_to_trust_is_not_judged_and_says_why(gated, scored):
    primary, *others = scored
    rows = len(primary.frame) + 1
    strict = with_evaluate(gated, min_slice_rows=rows)

    found = by_subject(
        slice_verdicts(strict, [served_worse(gated, primary, "plan", "basic"), *others])
    )

    verdict = found["plan=basic"]
    assert verdict.status == NOT_JUDGED
    assert verdict.reason.endswith(f"fewer than evaluate.min_slice_rows ({rows})")
    assert (verdict.estimate, verdict.low, verdict.high) == (None, None, None)


@ON_CLASSIFICATION
def test_a_slice_of_one_class_is_not_judged_and_says_why(gated, scored):
    primary, *others = scored
    rows = (primary.frame["plan"] == "basic").to_numpy()
    label = primary.label.where(~rows, 0)  # nobody on the basic plan churns
    one_class = SetScores(primary.spec, primary.frame, label, primary.scores, primary.metrics)

    verdict = by_subject(slice_verdicts(gated, [one_class, *others]))["plan=basic"]

    assert verdict.status == NOT_JUDGED
    assert verdict.reason.startswith("0 rows labelled 1, fewer than min_class_rows")


def test_no_sensitive_group_is_served_much_worse_than_another(gated, scored):
    found = inclusion_verdicts(gated, scored)

    assert {v.subject for v in found} == set(gated.params.evaluate.inclusion.columns)
    assert {v.status for v in found} == {PASSED}


def test_a_sensitive_group_served_worse_fails_the_inclusion_gate(gated, scored):
    primary, *others = scored
    column = gated.params.evaluate.inclusion.columns[0]
    group = str(primary.frame[column].mode()[0])

    found = inclusion_verdicts(gated, [served_worse(gated, primary, column, group), *others])

    (verdict,) = [v for v in found if v.set == "eval"]
    assert (verdict.status, verdict.subject) == (FAILED, column)
    assert verdict.low > verdict.bound


def test_a_column_with_fewer_than_two_trusted_groups_is_not_judged(gated, scored):
    strict = with_evaluate(gated, min_slice_rows=10**6)

    found = inclusion_verdicts(strict, scored)

    assert {v.status for v in found} == {NOT_JUDGED}
    assert all("a gap needs two" in v.reason for v in found)


def test_a_registered_slice_may_be_a_sensitive_group(gated, scored):
    inclusion = gated.params.evaluate.inclusion.model_copy(update={"columns": ["tenure_band"]})

    found = inclusion_verdicts(with_evaluate(gated, inclusion=inclusion), scored)

    assert {v.subject for v in found} == {"tenure_band"}


def test_an_inclusion_column_no_test_set_has_is_named(gated, scored):
    inclusion = gated.params.evaluate.inclusion.model_copy(update={"columns": ["religion"]})

    with pytest.raises(ProjectError, match="no test set has religion, and extend.py registers"):
        inclusion_verdicts(with_evaluate(gated, inclusion=inclusion), scored)


def test_a_gate_metric_the_task_does_not_have_is_named(gated, scored):
    gate = gated.params.evaluate.slice_gate.model_copy(update={"metric": "bleu"})

    with pytest.raises(ProjectError, match="slice_gate.metric 'bleu' is not a"):
        slice_verdicts(with_evaluate(gated, slice_gate=gate), scored)


def test_the_same_seed_gives_the_same_verdicts(gated, scored):
    assert verdicts(gated, scored) == verdicts(gated, scored)


@pytest.mark.parametrize("function", sorted(gate_verdicts.VECTORISED))
def test_each_vectorised_metric_equals_scikit_learns_on_every_draw(function):
    from sklearn import metrics as sk

    rng = np.random.default_rng(5)
    label = (rng.random((30, 40)) < 0.3).astype(float)
    label[0] = 0.0  # one class: not defined for ROC AUC
    scores = np.round(rng.random((30, 40)), 1)  # ties

    fast = gate_verdicts.VECTORISED[function](label, scores)

    for row, value in enumerate(fast):
        if function == "roc_auc_score" and row == 0:
            assert np.isnan(value)
            continue
        assert value == pytest.approx(getattr(sk, function)(label[row], scores[row]), abs=1e-12)
