"""The monitor's rules on tables: drift fires on a shifted sample and stays quiet on an
unshifted one, staleness on an old champion, the traffic rules on errors and slow answers, the
schema rule on rows that break the data contract; the report shows what tripped first. A rule
without enough to judge on (too few served rows, no value of a feature, no request) is not
judged and says why: never ok, never fired."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from ml_playbook.monitoring import Check
from ml_playbook.monitoring.checks import summary_line
from ml_playbook.monitoring.report import render
from ml_playbook.monitoring.rules import (
    drift_checks,
    schema_check,
    staleness_check,
    traffic,
    traffic_checks,
)
from tests.library.factory import write_project


def check(project, reference, scores, served) -> dict[str, Check]:
    train = project.params.train
    checks, _ = drift_checks(
        reference,
        scores,
        served,
        train.numeric_features,
        train.categorical_features,
        project.params.monitor.model_copy(update={"min_rows": 100}),
    )
    return {c.subject: c for c in checks}


def test_drift_stays_quiet_on_a_sample_of_the_same_population(project, samples):
    checks = check(project, *samples)

    assert [name for name, c in checks.items() if c.fired] == []
    assert len(checks) == len(project.params.train.features) + 1


def test_drift_fires_on_the_shifted_features_and_predictions(project, samples):
    reference, scores, served = samples
    shifted = served.assign(
        monthly_fee=served["monthly_fee"] * 3 + 20,
        plan="premium",
        prediction=np.clip(served["prediction"] + 0.4, 0, 1),
    )

    checks = check(project, reference, scores, shifted)

    assert {name for name, c in checks.items() if c.fired} == {"monthly_fee", "plan", "predictions"}
    assert checks["monthly_fee"].detail.startswith("PSI ")
    assert "chi2 statistic" in checks["plan"].detail


def test_drift_is_not_judged_on_too_few_rows(task, tmp_path, samples):
    # Given a project of each task that needs 100 served rows, and 10 served
    project = write_project(tmp_path / "p", task)
    reference, scores, served = samples

    # When drift is checked
    checks = check(project, reference, scores, served.head(10))

    # Then every feature and the predictions are not judged, saying why: neither ok nor fired
    assert set(checks) == {*project.params.train.features, "predictions"}
    assert {c.status for c in checks.values()} == {"not_judged"}
    assert all(not c.fired and c.value is None for c in checks.values())
    assert checks["plan"].reason == "fewer than 100 served rows"
    assert checks["plan"].text == "fewer than 100 served rows: 10 in the window"
    assert checks["predictions"].as_dict()["status"] == "not_judged"
    assert checks["predictions"].as_dict()["reason"] == "fewer than 100 served rows"


def test_a_number_the_log_holds_no_value_of_is_not_judged(task, tmp_path, samples):
    # Given served rows enough, but monthly_fee absent from the log (older files) but for 5
    project = write_project(tmp_path / "p", task)
    reference, scores, served = samples
    missing = served.assign(monthly_fee=np.nan)
    missing.loc[missing.index[:5], "monthly_fee"] = served["monthly_fee"].head(5)
    empty = served.assign(monthly_fee=np.nan)

    # When drift is checked
    partial, absent = (
        check(project, reference, scores, missing),
        check(project, reference, scores, empty),
    )

    # Then monthly_fee is not judged (neither ok on a PSI of nothing nor fired on 5 values)
    assert partial["monthly_fee"].status == "not_judged"
    assert partial["monthly_fee"].text == (
        f"fewer than 100 served rows with a value: 5 of {len(served)} have one"
    )
    assert absent["monthly_fee"].status == "not_judged"
    assert absent["monthly_fee"].reason == "no served rows with a value in the window"
    # and the other features are judged as before
    assert partial["tenure_months"].status == "ok"
    assert partial["plan"].status == "ok"


def test_staleness_fires_on_a_champion_older_than_allowed(project):
    settings = project.params.monitor

    old = staleness_check("3", settings.max_model_age_days + 1, settings)
    fresh = staleness_check("4", 1.0, settings)

    assert old.fired
    assert not fresh.fired
    assert old.subject == "champion v3"


def log_records(statuses: list[int], latency_ms: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "request_id": [f"r{i}" for i in range(len(statuses))],
            "status": statuses,
            "latency_ms": latency_ms,
        }
    )


def test_the_traffic_rules_fire_on_errors_refusals_and_slow_answers(project):
    settings = project.params.monitor
    busy = log_records([200] * 80 + [422] * 15 + [500] * 5, settings.latency_p99_ms_max * 2)
    calm = log_records([200] * 100, settings.latency_p99_ms_max / 10)

    tripped = {c.rule for c in traffic_checks(traffic(busy), settings) if c.fired}
    quiet = {c.rule for c in traffic_checks(traffic(calm), settings) if c.fired}

    assert tripped == {"invalid_inputs", "errors", "latency"}
    assert quiet == set()


def test_the_traffic_rules_are_not_judged_without_requests_or_answers(task, tmp_path):
    # Given a window without a request, and one whose every request was refused
    settings = write_project(tmp_path / "p", task).params.monitor
    none = log_records([], 0.0)
    refused = log_records([422] * 3, 1.0)

    # When the traffic rules are applied
    idle = {c.rule: c for c in traffic_checks(traffic(none), settings)}
    closed = {c.rule: c for c in traffic_checks(traffic(refused), settings)}

    # Then no rate is judged on no request, nor latency on no answer
    assert {rule: c.status for rule, c in idle.items()} == dict.fromkeys(
        ["invalid_inputs", "errors", "latency"], "not_judged"
    )
    assert {c.reason for c in idle.values()} == {"no requests in the window"}
    assert closed["invalid_inputs"].status == "fired"
    assert closed["latency"].status == "not_judged"
    assert closed["latency"].text == "no answered requests in the window: all 3 refused or failed"


def test_served_rows_that_break_the_schema_are_counted(project, samples):
    served = samples[2]
    broken = served.head(20).assign(monthly_fee=[-5.0] * 3 + [9.0] * 17)

    assert schema_check(served, project.params).fired is False
    result = schema_check(broken, project.params)
    assert result.fired
    assert result.value == 3
    assert "column 'monthly_fee'" in result.detail


def test_the_schema_is_not_judged_without_a_served_row(task, tmp_path, samples):
    params = write_project(tmp_path / "p", task).params

    result = schema_check(samples[2].head(0), params)

    assert (result.status, result.reason) == ("not_judged", "no served rows in the window")


def test_the_report_lists_tripped_rules_first_with_plots(project, samples):
    reference, scores, served = samples
    params = project.params
    rules = [
        staleness_check("1", 1.0, params.monitor),
        staleness_check("1", 1e6, params.monitor),
        Check("team_rule", "plan", None, None, False, "a team's check without a limit"),
    ]

    page = render(
        "report",
        rules,
        reference.assign(prediction=scores.to_numpy()),
        served,
        params.train.numeric_features[:1],
        params.train.categorical_features[:1],
    )

    assert page.index("TRIPPED") < page.index(">ok<")
    assert page.count("data:image/png;base64,") == 3  # one numeric, one category, predictions
    assert "<td>team_rule</td><td>plan</td><td></td><td></td>" in page


def test_the_report_shows_a_rule_not_judged_with_its_reason_and_the_counts(task, tmp_path, samples):
    # Given a tripped rule, a rule within its limit and two not judged, one for two reasons
    project = write_project(tmp_path / "p", task)
    reference, scores, served = samples
    settings = project.params.monitor
    rules = [
        staleness_check("1", 1e6, settings),
        staleness_check("1", 1.0, settings),
        Check.not_judged(
            "feature_drift", "plan", "fewer than 200 served rows", 0.2, "12 in the window"
        ),
        Check.not_judged("premium_share", "plan", "no labels yet"),
    ]

    # When the report is written
    page = render("report", rules, reference.assign(prediction=scores.to_numpy()), served, [], [])

    # Then each row says its status, the not judged ones their reason, and the counts add up
    assert summary_line(rules) == (
        "1 ok, 1 fired, 2 not judged (fewer than 200 served rows; no labels yet)"
    )
    assert "1 ok, 1 fired, 2 not judged (fewer than 200 served rows; no labels yet)" in page
    assert page.index("TRIPPED") < page.index(">not judged<") < page.index(">ok<")
    assert (
        "<td>not judged</td><td>feature_drift</td><td>plan</td><td></td><td>0.2</td>"
        "<td>fewer than 200 served rows: 12 in the window</td>" in page
    )
    assert "<td>not judged</td><td>premium_share</td><td>plan</td><td></td><td></td>" in page
    assert [json.loads(json.dumps(r.as_dict()))["status"] for r in rules] == [
        "fired",
        "ok",
        "not_judged",
        "not_judged",
    ]


@pytest.mark.parametrize(
    ("fired", "reason", "message"),
    [
        (True, "too few rows", "Check team_rule: a rule not judged cannot have fired"),
        (False, " ", "Check team_rule: a rule not judged needs a reason (a text)"),
    ],
)
def test_a_check_is_ok_fired_or_not_judged_never_two(fired, reason, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Check("team_rule", "plan", None, None, fired, "", reason)


def test_a_rule_not_judged_shows_no_figure():
    with pytest.raises(ValueError, match="a rule not judged has no value"):
        Check("team_rule", "plan", 0.3, 0.1, False, "", "no labels yet")
