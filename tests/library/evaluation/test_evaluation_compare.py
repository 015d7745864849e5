"""Comparing models on the same rows: paired bootstrap intervals, a verdict in the metric's
direction, and the `eval compare` command on files and registry references."""

import json

import numpy as np

from ml_playbook.evaluation.compare import (
    BETTER,
    NO_EVIDENCE,
    WORSE,
    difference_figure,
    paired_bootstrap,
)
from ml_playbook.modeling.metrics import CLASSIFICATION, REGRESSION, STANDARD
from ml_playbook.project.paths import MODEL
from tests.library.evaluation.conftest import ON_REGRESSION, invoke

ROC_AUC, RMSE = STANDARD[CLASSIFICATION]["roc_auc"], STANDARD[REGRESSION]["rmse"]


def noisy(scores: np.ndarray, amount: float, seed: int = 1) -> np.ndarray:
    """The same scores with noise: a clearly worse model on the same rows."""
    noise = np.random.default_rng(seed).normal(0, amount, len(scores))
    return np.clip(scores + noise, 0, 1)


def test_a_model_compared_with_itself_differs_by_nothing(trained_project, scored):
    result = scored[0]
    name = trained_project.params.evaluate.primary_metric

    difference = paired_bootstrap(
        name,
        trained_project.primary_metric,
        result.label,
        result.scores,
        result.scores,
        resamples=60,
    )

    assert (difference.delta, difference.low, difference.high) == (0, 0, 0)
    assert difference.verdict == NO_EVIDENCE
    assert difference.resamples == 60


def test_a_clearly_worse_model_is_worse_with_an_interval_below_zero():
    rng = np.random.default_rng(0)
    label = rng.integers(0, 2, 200)
    good = np.clip(label * 0.6 + rng.uniform(0, 0.4, 200), 0, 1)

    worse = paired_bootstrap("roc_auc", ROC_AUC, label, good, noisy(good, 0.5), resamples=50)
    better = paired_bootstrap("roc_auc", ROC_AUC, label, noisy(good, 0.5), good, resamples=50)

    assert worse.verdict == WORSE
    assert worse.high < 0
    assert better.verdict == BETTER
    assert better.low > 0


def test_for_a_loss_a_higher_value_is_worse():
    rng = np.random.default_rng(0)
    label = rng.normal(100, 10, 300)
    close, far = label + rng.normal(0, 1, 300), label + rng.normal(0, 20, 300)

    difference = paired_bootstrap("rmse", RMSE, label, close, far, resamples=100)

    assert difference.delta > 0
    assert difference.low > 0
    assert difference.verdict == WORSE


def test_a_metric_undefined_on_the_rows_gives_no_evidence_not_a_number():
    label = np.zeros(20)  # one class: no ROC AUC

    difference = paired_bootstrap(
        "roc_auc", ROC_AUC, label, np.linspace(0, 1, 20), label, resamples=10
    )

    assert difference.verdict == NO_EVIDENCE
    assert difference.resamples == 0
    assert len(difference_figure([difference], "a", "b").axes[0].collections) == 1  # no points


def test_each_resample_advances_the_progress_once():
    ticks = []

    paired_bootstrap(
        "rmse",
        RMSE,
        np.arange(10.0),
        np.arange(10.0),
        np.arange(10.0) + 1,
        resamples=55,
        advance=lambda: ticks.append(1),
    )

    assert len(ticks) == 55


@ON_REGRESSION
def test_eval_compare_gives_a_verdict_per_set_and_a_report(two_sets):
    result = invoke(
        two_sets, "eval", "compare", MODEL.as_posix(), MODEL.as_posix(), "--resamples", "50"
    )

    assert result.exit_code == 0, result.output
    assert result.output.count(NO_EVIDENCE) == 2  # eval and golden
    folder = two_sets.root / "reports/analysis/compare"
    rows = json.loads((folder / "comparison.json").read_text())
    assert [row["test_set"] for row in rows] == ["eval", "golden"]
    assert {"index.html", "compare-1.png"} <= {p.name for p in folder.iterdir()}


@ON_REGRESSION
def test_compare_takes_several_metrics_and_refuses_an_unknown_one(writable):
    metric = "mae" if writable.params.task == REGRESSION else "brier"

    chosen = invoke(
        writable, "eval", "compare", MODEL, MODEL, "--metric", metric, "--resamples", "50"
    )
    unknown = invoke(writable, "eval", "compare", MODEL, MODEL, "--metric", "bleu")

    assert chosen.exit_code == 0, chosen.output
    assert f" {metric} " in chosen.output
    assert unknown.exit_code == 1
    assert "unknown metric bleu" in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1


@ON_REGRESSION
def test_compare_needs_two_models(writable):
    result = invoke(writable, "eval", "compare", MODEL.as_posix())

    assert result.exit_code == 1
    assert "at least one candidate" in result.output


@ON_REGRESSION
def test_eval_compare_takes_the_baseline_as_a_model(two_sets):
    # When the trained model is compared with the baseline of the launch criteria
    result = invoke(two_sets, "eval", "compare", "baseline", MODEL.as_posix(), "--resamples", "50")

    # Then the baseline is named by what it is, and the model is better on the hold-out
    assert result.exit_code == 0, result.output
    rows = json.loads((two_sets.root / "reports/analysis/compare/comparison.json").read_text())
    eval_row = next(row for row in rows if row["test_set"] == "eval")
    assert eval_row["verdict"] == "better", eval_row
    assert "baseline: one feature: " in result.output
