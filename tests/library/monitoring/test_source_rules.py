"""The alerts on the sources, decided from numbers: a source is fresh within its lag of the day
judged and late beyond it; its newest period's rows are judged against the mean of the periods
before it (too few, too many, or not judged when there are too few periods); an empty source
fails both checks, never passes them."""

from datetime import date

import pytest

from ml_playbook.monitoring.checks import FIRED, NOT_JUDGED, OK
from ml_playbook.monitoring.source_rules import (
    SourceFacts,
    freshness_check,
    source_checks,
    volume_check,
)
from ml_playbook.project.params import SourceCheckParams, VolumeParams

MONTHLY = SourceCheckParams(time_column="month_start", max_lag_months=1, volume="month")
DAILY = SourceCheckParams(time_column="signed_up_at", max_lag_days=7)
VOLUME = VolumeParams()  # 0.8 to 1.2 of the mean of 3 periods


def months(*rows: int, last: date = date(2024, 12, 1)) -> SourceFacts:
    """Activity with `rows` rows in each month up to `last` (the newest)."""
    per_period, start = {}, last
    for count in reversed(rows):
        per_period[start] = count
        start = (start.replace(day=1) - date.resolution).replace(day=1)
    total = sum(rows)
    return SourceFacts(
        "activity", "data/raw/activity.parquet", "month_start", total, total, last, per_period
    )


@pytest.mark.parametrize(
    ("as_of", "expected", "lag"),
    [
        (date(2024, 12, 1), OK, 0),  # the data's own newest day
        (date(2025, 1, 15), OK, 1),  # December is the last complete month
        (date(2025, 1, 31), OK, 1),
        (date(2025, 2, 1), FIRED, 2),  # January has ended and has not arrived
    ],
)
def test_a_monthly_source_is_late_once_its_newest_month_is_not_the_last_complete_one(
    as_of, expected, lag
):
    check = freshness_check(months(100, 100, 100, 100), MONTHLY, as_of)

    assert (check.status, check.value, check.limit) == (expected, lag, 1)
    assert "newest month_start 2024-12-01" in check.text


def test_a_daily_source_is_late_after_its_max_lag_in_days():
    facts = SourceFacts("customers", "c.csv", "signed_up_at", 10, 10, date(2025, 1, 1), {})

    fresh = freshness_check(facts, DAILY, date(2025, 1, 8))
    late = freshness_check(facts, DAILY, date(2025, 1, 9))

    assert (fresh.status, fresh.value) == (OK, 7)
    assert (late.status, late.value) == (FIRED, 8)
    assert late.text == "newest signed_up_at 2025-01-01 is 8 day(s) old on 2025-01-09 (at most 7)"


@pytest.mark.parametrize(
    ("newest", "expected", "ratio"),
    [(94, OK, 0.94), (80, OK, 0.8), (79, FIRED, 0.79), (121, FIRED, 1.21), (120, OK, 1.2)],
)
def test_the_newest_month_is_judged_against_the_mean_of_the_three_before_it(
    newest, expected, ratio
):
    # 50 rows four months back are outside the baseline: the mean is of 90, 100, 110.
    check = volume_check(months(50, 90, 100, 110, newest), MONTHLY, VOLUME)

    assert (check.status, check.value) == (expected, ratio)
    assert check.limit == (0.8 if ratio < 1 else 1.2)
    assert f"2024-12: {newest} rows" in check.text
    assert "mean of 2024-09 to 2024-11 (100.0)" in check.text


def test_a_ratio_just_beyond_a_limit_is_never_shown_as_within_it():
    check = volume_check(months(9_000, 10_000, 11_000, 7_996), MONTHLY, VOLUME)

    assert (check.status, check.value) == (FIRED, 0.7996)
    assert "7,996 rows, 0.7996 x the mean of 2024-09 to 2024-11 (10,000.0)" in check.text


def test_a_month_with_no_rows_in_the_baseline_counts_as_zero():
    # October is absent: the mean of September, October and November is (150 + 0 + 150) / 3.
    facts = months(150, 150, 150, 100)
    del facts.per_period[date(2024, 10, 1)]

    check = volume_check(facts, MONTHLY, VOLUME)

    assert (check.status, check.value) == (OK, 1.0)


def test_too_few_periods_before_the_newest_is_not_judged_never_ok():
    check = volume_check(months(100, 100, 100), MONTHLY, VOLUME)

    assert check.status == NOT_JUDGED and check.value is None and not check.fired
    assert check.text == "2 month(s) before the newest, 3 needed: 2024-12: 100 rows"


def test_a_source_with_no_rows_fails_both_checks():
    empty = SourceFacts("activity", "data/raw/activity.parquet", "month_start", 0, 0, None, {})

    checks = source_checks(empty, MONTHLY, VOLUME, date(2024, 12, 1))

    assert [(c.rule, c.status) for c in checks] == [("freshness", FIRED), ("volume", FIRED)]
    assert checks[0].text == "data/raw/activity.parquet has no rows (an empty export)"


def test_rows_without_a_date_fail_the_freshness_check():
    undated = SourceFacts("customers", "c.csv", "signed_up_at", 12, 0, None, {})

    check = freshness_check(undated, DAILY, date(2025, 1, 1))

    assert check.status == FIRED
    assert check.text == "c.csv: none of its 12 rows has a signed_up_at"


def test_a_source_without_a_volume_period_is_checked_for_freshness_only():
    checks = source_checks(months(100, 100, 100, 100), DAILY, VOLUME, date(2024, 12, 5))

    assert [c.rule for c in checks] == ["freshness"]
