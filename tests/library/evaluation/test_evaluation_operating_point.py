"""The decision threshold chosen on purpose, by the policy of `evaluate.operating_point`: a
capacity (the top share), a cost ratio, a floor on precision or on recall; each checked against
a brute-force search over every threshold."""

import joblib
import numpy as np
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.operating_point import choose
from ml_playbook.evaluation.sets import logged_metrics, measured_again, metrics_document, score_sets
from ml_playbook.modeling.metrics import CLASSIFICATION
from ml_playbook.project.params import OperatingPointParams
from ml_playbook.project.paths import MODEL
from tests.library.factory import params_dict, write_project

RNG = np.random.default_rng(3)
LABEL = (RNG.random(2000) < 0.1).astype(int)
SCORES = np.round(np.clip(RNG.normal(0.3 + 0.25 * LABEL, 0.15), 0, 1), 3)  # with ties


def every_threshold():
    """(threshold, precision, recall, flagged) at each distinct score, by brute force."""
    for threshold in np.unique(SCORES):
        flagged = threshold <= SCORES
        hits = (flagged & (LABEL == 1)).sum()
        yield threshold, hits / flagged.sum(), hits / LABEL.sum(), flagged.sum()


def policy(**chosen) -> OperatingPointParams:
    return OperatingPointParams(**chosen)


def test_a_capacity_flags_the_top_share_most_likely_first():
    point = choose(policy(top_share=0.1), LABEL, SCORES, 0.5)

    assert point.flagged_share == pytest.approx(0.1, abs=0.01)  # ties may add a few rows
    assert SCORES[point.threshold <= SCORES].min() == point.threshold
    assert point.policy == "top_share 0.1 (flag the 10% most likely)"


def test_a_cost_ratio_chooses_the_threshold_of_least_total_cost():
    point = choose(policy(cost_ratio=5), LABEL, SCORES, 0.5)

    costs = {
        t: 5 * (LABEL.sum() - r * LABEL.sum()) + (f - r * LABEL.sum())
        for t, _, r, f in every_threshold()
    }
    assert costs[point.threshold] == pytest.approx(min(costs.values()))


def test_a_precision_floor_gives_the_most_recall_that_reaches_it():
    point = choose(policy(min_precision=0.5), LABEL, SCORES, 0.5)

    reaching = [r for _, p, r, _ in every_threshold() if p >= 0.5]
    assert point.precision >= 0.5
    assert point.recall == pytest.approx(max(reaching), abs=1e-6)


def test_a_recall_floor_gives_the_most_precision_that_reaches_it():
    point = choose(policy(min_recall=0.8), LABEL, SCORES, 0.5)

    reaching = [p for _, p, r, _ in every_threshold() if r >= 0.8]
    assert point.recall >= 0.8
    assert point.precision == pytest.approx(max(reaching), abs=1e-6)


def test_a_precision_no_threshold_reaches_is_one_line_with_the_best_there_is():
    label, scores = np.array([0, 1, 0, 1, 0]), np.array([0.9, 0.8, 0.7, 0.6, 0.1])

    with pytest.raises(ProjectError, match=r"no threshold reaches precision 0.9 .*the best is 0.5"):
        choose(policy(min_precision=0.9), label, scores, 0.5)


def test_without_a_policy_the_fixed_threshold_is_reported_as_it_is():
    point = choose(None, LABEL, SCORES, 0.42)

    assert (point.policy, point.threshold) == ("fixed 0.42 (evaluate.threshold)", 0.42)
    assert point.flagged_share == pytest.approx((SCORES >= 0.42).mean())


@pytest.mark.parametrize("chosen", [{}, {"top_share": 0.1, "cost_ratio": 3.0}])
def test_exactly_one_policy_is_given(tmp_path, chosen):
    params = params_dict()
    params["evaluate"]["operating_point"] = chosen

    with pytest.raises(ProjectError, match="exactly one of top_share, cost_ratio"):
        write_project(tmp_path / "p", evaluate=params["evaluate"])


def test_a_regression_project_has_no_threshold_to_choose(tmp_path):
    evaluate = {**params_dict("regression")["evaluate"], "operating_point": {"top_share": 0.1}}

    with pytest.raises(ProjectError, match="only for binary_classification"):
        write_project(tmp_path / "p", "regression", evaluate=evaluate)


def test_the_point_is_recorded_and_logged_with_the_run(_trained_projects):
    project = _trained_projects[CLASSIFICATION]
    scored = score_sets(project, joblib.load(project.root / MODEL))
    point = choose(policy(top_share=0.2), scored[0].label, scored[0].scores, 0.5)

    logged = logged_metrics(metrics_document(scored, operating_point=point))

    assert logged["operating_point.threshold"] == point.threshold
    assert logged["operating_point.recall"] == point.recall
    assert "operating_point.policy" not in logged


def test_the_decision_threshold_is_the_one_evaluate_chose_else_the_fixed_one(tmp_path):
    import json

    from ml_playbook.evaluation.operating_point import decision_threshold
    from ml_playbook.project.paths import METRICS

    project = write_project(tmp_path / "p")
    assert decision_threshold(project) == project.params.evaluate.threshold  # not evaluated

    (project.root / METRICS).parent.mkdir(parents=True, exist_ok=True)
    (project.root / METRICS).write_text(json.dumps({"operating_point": {"threshold": 0.19}}))
    assert decision_threshold(project) == 0.19

    (project.root / METRICS).write_text("{not json")
    assert decision_threshold(project) == project.params.evaluate.threshold


def test_scores_measured_again_at_another_threshold_equal_a_fresh_scoring(_trained_projects):
    project = _trained_projects[CLASSIFICATION]
    model = joblib.load(project.root / MODEL)
    moved = project.with_params(
        evaluate=project.params.evaluate.model_copy(update={"threshold": 0.2})
    )

    again = [measured_again(moved, result) for result in score_sets(project, model)]

    assert [r.metrics for r in again] == [r.metrics for r in score_sets(moved, model)]
