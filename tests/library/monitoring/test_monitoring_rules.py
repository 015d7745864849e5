"""The monitor's rules on tables: drift fires on a shifted sample and stays quiet on an
unshifted one, staleness on an old champion, the traffic rules on errors and slow answers, the
schema rule on rows that break the data contract; the report shows what tripped first."""

import numpy as np
import pandas as pd

from ml_playbook.monitoring import Check
from ml_playbook.monitoring.report import render
from ml_playbook.monitoring.rules import (
    drift_checks,
    schema_check,
    staleness_check,
    traffic,
    traffic_checks,
)


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


def test_drift_is_not_judged_on_too_few_rows(project, samples):
    reference, scores, served = samples

    checks = check(project, reference, scores, served.head(10))

    assert all(not c.fired and c.value is None for c in checks.values())
    assert checks["all features"].detail == ("10 served rows logged, fewer than the 100 needed")


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


def test_served_rows_that_break_the_schema_are_counted(project, samples):
    served = samples[2]
    broken = served.head(20).assign(monthly_fee=[-5.0] * 3 + [9.0] * 17)

    assert schema_check(served, project.params).fired is False
    result = schema_check(broken, project.params)
    assert result.fired
    assert result.value == 3
    assert "column 'monthly_fee'" in result.detail


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
