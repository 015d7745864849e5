"""The report's charts tell what the monitor found: a numeric chart's range is robust (a few
extreme values cannot squeeze the rest into one bar), what lies beyond it is counted in the
edge bars and said in the caption, and the served rows are drawn and counted by the model
version that answered them."""

import numpy as np
import pandas as pd

from ml_playbook.monitoring.report import overflow, render, robust_range, samples_of


def test_extreme_values_do_not_set_the_range_and_are_said_in_the_caption():
    rng = np.random.default_rng(1)
    reference = pd.Series(rng.uniform(0, 100, 1000))
    served = pd.Series(np.concatenate([rng.uniform(0, 100, 700), np.full(300, 1e308)]))
    samples = {"reference": reference, "served v2": served}

    low, high = robust_range(samples)

    assert high < 1e6  # not the outliers' range: the bulk keeps its bars
    assert overflow(samples, low, high) == [
        f"300 of 1000 (30.0%) of served v2 above {high:g} (in the edge bar, hatched)"
    ]


def test_a_few_values_beyond_the_range_are_counted_not_rounded_away():
    samples = {"served": pd.Series(np.concatenate([np.arange(10_000.0) % 100, [1e9]]))}

    low, high = robust_range(samples)

    assert overflow(samples, low, high) == [
        f"1 of 10001 (0.0%) of served above {high:g} (in the edge bar, hatched)"
    ]


def test_a_whole_sample_that_moved_stays_in_range():
    samples = {
        "reference": pd.Series(np.arange(100.0)),
        "served": pd.Series(np.arange(100.0) + 500),
    }

    low, high = robust_range(samples)

    assert low <= 1 and high >= 598


def test_the_report_counts_and_draws_the_served_rows_by_version():
    rng = np.random.default_rng(2)
    reference = pd.DataFrame({"fee": rng.uniform(0, 100, 400), "prediction": rng.random(400)})
    served = pd.DataFrame(
        {
            "fee": np.concatenate([rng.uniform(0, 100, 700), np.full(300, 1e9)]),
            "prediction": 0.5,
        }
    )
    versions = pd.Series(["1"] * 88 + ["2"] * 912)

    page = render("report", [], reference, served, ["fee"], [], versions)

    assert "Served rows by version: v1 88, v2 912." in page
    assert "300 of 912 (32.9%) of served v2 (912 rows) above" in page
    assert list(samples_of("fee", reference, served, versions)) == [
        "reference",
        "served v1 (88 rows)",
        "served v2 (912 rows)",
    ]
