"""What the evaluation stage writes beside the metrics: every example of the primary set with
its prediction and error, keyed by params.yaml `data.keys`, and a figure fit for the task."""

import numpy as np

from ml_playbook.evaluation.figures import evaluation_figure, prediction_table


def test_every_example_is_listed_worst_first_with_the_keys_the_set_has(trained_project, scored):
    primary = scored[0]
    keys = [*trained_project.params.data.keys, "not_in_the_set"]

    table = prediction_table(primary.frame, primary.label, primary.scores, keys)

    assert list(table.columns) == [
        *trained_project.params.data.keys,
        "label",
        "prediction",
        "abs_error",
    ]
    assert len(table) == primary.rows
    assert table["abs_error"].is_monotonic_decreasing
    assert np.allclose(table["abs_error"], (table["label"] - table["prediction"]).abs())


def test_the_figure_shows_curves_for_classes_and_residuals_for_values(trained_project, scored):
    primary = scored[0]

    figure = evaluation_figure(trained_project.params.task, primary.label, primary.scores)

    titles = [axes.get_title() for axes in figure.axes]
    if trained_project.params.task == "binary_classification":
        assert titles == ["ROC curve", "precision-recall curve"]
    else:
        assert titles == ["predicted vs actual", "residuals"]


def test_the_figure_draws_the_baseline_beside_the_model_and_marks_the_operating_point(
    trained_project, scored
):
    from ml_playbook.evaluation.operating_point import choose

    primary = scored[0]
    classification = trained_project.params.task == "binary_classification"
    point = choose(None, primary.label, primary.scores, 0.5) if classification else None
    baseline = ("one feature: x (linear regression)", np.asarray(primary.scores) * 0.9)

    figure = evaluation_figure(
        trained_project.params.task, primary.label, primary.scores, point, baseline
    )

    legends = [
        text.get_text()
        for axes in figure.axes
        if axes.get_legend()
        for text in axes.get_legend().get_texts()
    ]
    assert f"baseline ({baseline[0]})" in legends
    if classification:
        marked = [text.get_text() for text in figure.axes[1].texts]
        assert any(text.startswith("threshold 0.500") for text in marked)
