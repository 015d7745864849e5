"""The data report of a validated feature table: a summary per column, the same as Markdown,
and the figures the validate stage writes beside it."""

import pandas as pd

from ml_playbook.data.report import distributions_figure, label_figure, markdown, summary
from tests.library.factory import NUMERIC, feature_table


def test_the_summary_gives_each_column_its_type_nulls_and_range_or_top_values():
    frame = feature_table(customers=50, months=2)
    frame.loc[0, "monthly_fee"] = None

    report = summary(frame, "churned")

    assert (report["rows"], report["label"]) == (100, "churned")
    fee = report["columns"]["monthly_fee"]
    assert fee["nulls"] == 1
    assert fee["min"] <= fee["mean"] <= fee["max"]
    assert set(report["columns"]["plan"]["top_values"]) <= {"basic", "standard", "premium"}
    assert sum(report["columns"]["country"]["top_values"].values()) == 100


def test_true_false_and_empty_columns_are_counted_not_ranged():
    frame = pd.DataFrame({"flag": [True, False, True], "empty": [None, None, None]}).astype(
        {"empty": "float64"}
    )

    report = summary(frame, "flag")

    assert report["columns"]["flag"]["top_values"] == {"True": 2, "False": 1}
    assert "min" not in report["columns"]["empty"]
    assert report["columns"]["empty"]["nulls"] == 3


def test_the_markdown_shows_the_figures_and_a_row_per_column_kept_on_its_line():
    frame = pd.DataFrame({"plan | tier": ["a|b", "c"], "x": [1.0, 2.0]})

    page = markdown(summary(frame, "x"), ["label.png"])

    assert "![label](label.png)" in page
    rows = [line for line in page.splitlines() if line.startswith("| ")]
    assert len(rows) == 3  # the header and one per column
    assert rows[1].startswith("| plan \\| tier | ")
    assert all(line.count(" | ") == 5 for line in rows)


def test_one_histogram_per_numeric_feature_and_counts_for_a_label_of_few_values():
    frame = feature_table(customers=50, months=2)

    histograms = distributions_figure(frame, NUMERIC)
    labels = label_figure(frame["churned"])
    spread = label_figure(frame["future_spend"])

    assert sum(axes.get_visible() for axes in histograms.axes) == len(NUMERIC)
    assert len(labels.axes[0].patches) == frame["churned"].nunique()
    assert len(spread.axes[0].patches) == 40  # many values: a histogram
