"""The examples a model got most wrong: sorted by loss, with their features, and where the
errors fall across slices (columns and the project's registered slices)."""

import numpy as np
import pytest

from ml_playbook.cli.evaluation import where_pairs
from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.mistakes import loss_by_slice, mistakes, row_loss
from ml_playbook.modeling.metrics import CLASSIFICATION, REGRESSION
from tests.library.evaluation.conftest import ON_CLASSIFICATION, invoke


def test_the_most_wrong_come_first_with_their_feature_values(trained_project, scored):
    params = trained_project.params

    table = mistakes(scored[0], params.task)

    assert len(table) == scored[0].rows
    assert table["loss"].is_monotonic_decreasing
    assert set(params.train.features) <= set(table.columns)
    worst = table.iloc[0]
    expected = row_loss(params.task, [worst[params.train.label]], [worst["prediction"]])[0]
    assert worst["loss"] == pytest.approx(expected)


def test_loss_is_log_loss_for_classes_and_squared_error_for_values():
    assert row_loss(CLASSIFICATION, [1, 0], [0.9, 0.9]) == pytest.approx(
        [-np.log(0.9), -np.log(0.1)]
    )
    assert row_loss(REGRESSION, [10.0, 10.0], [12.0, 7.0]) == pytest.approx([4.0, 9.0])
    assert np.isfinite(row_loss(CLASSIFICATION, [1, 0], [0.0, 1.0])).all()  # certain and wrong


def test_mistakes_filter_by_slice(trained_project, scored):
    result = scored[0]
    plan = str(result.frame["plan"].iloc[0])

    table = mistakes(result, trained_project.params.task, {"plan": plan})

    assert len(table) == (result.frame["plan"].astype(str) == plan).sum()
    assert set(table["plan"].astype(str)) == {plan}


def test_loss_by_slice_accounts_for_every_row_of_columns_and_registered_slices(
    trained_project, scored
):
    table = mistakes(scored[0], trained_project.params.task)

    summary = loss_by_slice(
        table, ["plan", "country", "tenure_band"], trained_project.extensions.slices
    )

    assert set(summary["column"]) == {"plan", "country", "tenure_band"}
    for _, part in summary.groupby("column"):
        assert part["rows"].sum() == len(table)
        assert part["total_loss"].sum() == pytest.approx(table["loss"].sum())


def test_no_slices_give_an_empty_summary_with_its_columns(trained_project, scored):
    summary = loss_by_slice(mistakes(scored[0], trained_project.params.task), [])

    assert summary.empty
    assert list(summary.columns) == ["column", "value", "rows", "mean_loss", "total_loss"]


@pytest.mark.parametrize("where", ["plan", "=basic", ""])
def test_a_malformed_filter_says_how_to_write_it(where):
    with pytest.raises(ProjectError, match="column=value"):
        where_pairs([where])


def test_a_filter_on_a_missing_column_names_it(trained_project, scored):
    with pytest.raises(ProjectError, match="the set 'eval' has no column star_sign"):
        mistakes(scored[0], trained_project.params.task, {"star_sign": "leo"})


@ON_CLASSIFICATION
def test_eval_mistakes_shows_the_worst_and_writes_a_report(writable):
    result = invoke(writable, "eval", "mistakes", "--top", "3", "--where", "plan=basic")

    assert result.exit_code == 0, result.output
    assert "the 3 most wrong" in result.output
    report = writable.root / "reports/analysis/mistakes"
    assert {"index.html", "mistakes.csv", "mistakes.png"} <= {p.name for p in report.iterdir()}
    assert "plan=basic" in (report / "index.html").read_text()
