"""The monitor over a logged window of requests: quiet on traffic like the training data, it
alerts the webhook when a rule trips (a stale champion), runs the team's own checks after its
rules and reports and alerts on them alike; what it cannot read is one line saying what to do.
Each rule is ok, fired or not judged (with why) in the output, summary.json and the report;
only a fired rule fails the monitor and alerts; with no request log yet, nothing is judged."""

import hashlib
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import joblib
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from ml_playbook.cli import monitor as monitor_command
from ml_playbook.cli.common import Apps
from ml_playbook.errors import ProjectError
from ml_playbook.modeling.metrics import CLASSIFICATION, model_scores
from ml_playbook.monitoring import Check, MonitorView
from ml_playbook.monitoring.checks import team_checks
from ml_playbook.monitoring.run import SUMMARY_FILE, monitor, read_log
from ml_playbook.project import Extensions
from ml_playbook.project.paths import MODEL, TRAINING_SET
from ml_playbook.registry import CHAMPION, Candidate
from ml_playbook.registry.memory import MemoryRegistry
from tests.library.factory import write_project
from tests.library.release.loopback import loopback
from tests.library.release.projects import copy_project

runner = CliRunner()
# Refusals and timing are the traffic rules' own tests; here the monitor must only run them.
CALM = {"invalid_rate_max": 1.0, "latency_p99_ms_max": 60_000.0}
# What the monitor does with a verdict (alerts, reports, refusals) does not depend on the task:
# those tests run on one; the rules that read predictions run on both.
ONE_TASK = pytest.mark.parametrize("task", [CLASSIFICATION])
OWN_RULES = ["prediction_shift", "schema", "invalid_inputs", "errors", "latency", "staleness"]


def an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


_MODELS: dict[str, object] = {}  # md5 of a model file -> the model it holds


def model_of(project):
    """The project's model, loaded once a process for each model file (read only: every
    project here holds a copy of one of the session's two)."""
    data = (project.root / MODEL).read_bytes()
    digest = hashlib.md5(data).hexdigest()
    if digest not in _MODELS:
        _MODELS[digest] = joblib.load(io.BytesIO(data))
    return _MODELS[digest]


def log_requests(project, at: datetime, version: str = "1", rows: int = 300, shift: float = 0.0):
    """`rows` requests `version` answered (training rows, their scores plus `shift`) and one it
    refused, logged at `at` as the service writes them."""
    model = model_of(project)
    features = project.params.train.features
    served = pd.read_parquet(project.root / TRAINING_SET)[features].sample(rows, random_state=1)
    records = served.assign(
        prediction=model_scores(model, served, project.params.task) + shift,
        request_id=[uuid.uuid4().hex for _ in range(rows)],
        status=200,
    )
    refused = pd.DataFrame({"request_id": [uuid.uuid4().hex], "status": [422]})
    log = pd.concat([records, refused], ignore_index=True).assign(
        logged_at=pd.Timestamp(at), latency_ms=4.0, model_version=version, problem=None
    )
    folder = project.root / project.params.serve.log_dir
    folder.mkdir(parents=True, exist_ok=True)
    log.to_parquet(folder / f"requests-{at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.parquet")
    return log


def watched(trained, root, checks=(), log=True, **monitor):
    """A copy of `trained` whose model is v1 and champion (registered now), with the team's
    `checks`, `monitor` settings, and (`log`) an hour-old window of requests."""
    registry = MemoryRegistry()
    project = copy_project(
        trained, root, registry, Extensions(monitor_checks=checks), monitor={**CALM, **monitor}
    )
    registry.register("tiny-model", Candidate(model_of(project), "run"))
    registry.set_alias("tiny-model", CHAMPION, "1")
    if log:
        log_requests(project, an_hour_ago())
    return project


def invoke(project, monkeypatch):
    root = typer.Typer()

    @root.callback()
    def main() -> None:
        """The project's command."""

    monitor_command.register(Apps(root, typer.Typer()), project.spec)
    monkeypatch.chdir(project.root)
    return runner.invoke(root, ["monitor"])


def test_traffic_like_the_training_data_trips_nothing(trained_project, tmp_path, monkeypatch):
    project = watched(trained_project, tmp_path / "p")

    result = invoke(project, monkeypatch)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[1] for line in lines[-8:-2]] == OWN_RULES
    assert all(line.startswith("ok ") for line in lines[:-2])
    assert lines[-2] == f"report: {project.root / 'reports/monitoring/report.html'}"
    assert lines[-1] == f"{len(lines) - 2} ok, 0 fired, 0 not judged"
    summary = json.loads((project.root / "reports/monitoring" / SUMMARY_FILE).read_text())
    assert (summary["model"], summary["version"]) == ("tiny-model", "1")
    assert len(summary["checks"]) == len(lines) - 2
    assert {check["status"] for check in summary["checks"]} == {"ok"}


@ONE_TASK
def test_the_monitor_alerts_the_webhook_on_a_stale_champion(trained_project, tmp_path):
    project = watched(trained_project, tmp_path / "p", max_model_age_days=1e-9)

    with loopback() as (webhook, received):
        outcome = monitor(
            project.with_params(
                monitor=project.params.monitor.model_copy(update={"webhook_url": webhook})
            )
        )

    assert [c.rule for c in outcome.fired] == ["staleness"]
    assert outcome.alert_problem is None
    (alert,) = received
    assert (alert["model"], alert["version"], alert["report"]) == (
        "tiny-model",
        "1",
        "reports/monitoring/report.html",
    )
    assert alert["fired"][0]["rule"] == "staleness"
    assert alert["text"].startswith("tiny-model v1: 1 monitoring rule(s) tripped\n- staleness")
    assert "TRIPPED" in outcome.report.read_text()


def premium_share(view: MonitorView) -> Check:
    """A team's rule: at most a tenth of the served customers on the premium plan."""
    share = float((view.served["plan"] == "premium").mean())
    return Check("premium_share", "plan", round(share, 4), 0.1, share > 0.1, f"{share:.0%} premium")


@ONE_TASK
def test_a_team_check_that_fires_is_reported_and_alerted(trained_project, tmp_path, monkeypatch):
    # Given a team check that sees the view, and one returning two checks from a generator
    seen = []

    def look(view: MonitorView):
        seen.append(view)
        yield Check("served_rows", "requests", len(view.served), None, False, "counted")
        yield Check("reference_rows", "training set", len(view.reference), None, False, "counted")

    project = watched(trained_project, tmp_path / "p", checks=(premium_share, look))

    # When the monitor runs, with the webhook in the environment
    with loopback() as (webhook, received):
        monkeypatch.setenv("MONITOR_WEBHOOK_URL", webhook)
        result = invoke(project, monkeypatch)

    # Then the team's checks come after the library's rules, and the one that fires trips it
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split()[1] for line in lines[-5:-2]] == [
        "premium_share",
        "served_rows",
        "reference_rows",
    ]
    assert lines[-5].startswith("TRIPPED    premium_share")
    assert [c["rule"] for c in received[0]["fired"]] == ["premium_share"]
    summary = json.loads((project.root / "reports/monitoring" / SUMMARY_FILE).read_text())
    assert summary["checks"][-2]["value"] == 300
    assert "premium_share" in (project.root / "reports/monitoring/report.html").read_text()
    (view,) = seen
    assert len(view.served) == 300 and list(view.served.columns)[-1] == "prediction"
    assert list(view.reference.columns) == project.params.train.features
    assert len(view.reference_scores) == len(view.reference)
    assert (view.version, view.settings, view.params) == (
        "1",
        project.params.monitor,
        project.params,
    )
    assert view.now.tzinfo is not None


def raises(view):
    return 1 / 0


def answers_text(view):
    return "all fine"


def mixes(view):
    return [Check("a", "b", 1.0, 2.0, False, "ok"), {"rule": "c"}]


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (
            raises,
            "monitor check test_monitoring_run.raises failed (ZeroDivisionError: division by "
            "zero): fix it in extend.py, or take it out of monitor_checks",
        ),
        (
            answers_text,
            "monitor check test_monitoring_run.answers_text returned str, not a Check: return "
            "ml_playbook.monitoring.Check(...) or a list of them",
        ),
        (mixes, "monitor check test_monitoring_run.mixes returned dict, not a Check"),
    ],
)
def test_a_broken_team_check_is_one_line_naming_it(function, message):
    view = MonitorView(pd.DataFrame(), pd.DataFrame(), pd.Series(), None, "1", datetime.now(UTC))

    with pytest.raises(ProjectError) as caught:
        team_checks(view, [function])

    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(message)


def test_a_broken_team_check_stops_the_command_with_one_error_line(
    trained_project, tmp_path, monkeypatch
):
    project = watched(trained_project, tmp_path / "p", checks=(raises,))

    result = invoke(project, monkeypatch)

    assert (result.exit_code, result.output) == (
        1,
        "error: monitor check test_monitoring_run.raises failed (ZeroDivisionError: division by "
        "zero): fix it in extend.py, or take it out of monitor_checks\n",
    )


def test_prediction_shift_is_judged_on_the_champions_answers_only(trained_project, tmp_path):
    # Given the champion's answers, and an earlier version's answers far off
    project = watched(trained_project, tmp_path / "p")
    log_requests(project, an_hour_ago(), version="0", shift=5.0)

    outcome = monitor(project)

    by_rule = {check.rule: check for check in outcome.checks}
    assert by_rule["prediction_shift"].fired is False


@ONE_TASK
def test_an_undelivered_alert_is_reported_and_the_monitor_still_fails(
    trained_project, tmp_path, monkeypatch
):
    project = watched(trained_project, tmp_path / "p", max_model_age_days=1e-9)
    with loopback() as (webhook, _):
        pass  # stopped: nothing listens there any more
    monkeypatch.setenv("MONITOR_WEBHOOK_URL", webhook)

    result = invoke(project, monkeypatch)

    assert result.exit_code == 1
    assert "error: alert not delivered: webhook not reached" in result.output
    monkeypatch.setenv("MONITOR_WEBHOOK_URL", "ftp://example.org/hook")
    assert monitor(project).alert_problem == "webhook URL 'ftp://example.org/hook' is not http(s)"


@ONE_TASK
def test_the_window_includes_its_first_moment_and_nothing_before(trained_project, tmp_path):
    project = watched(trained_project, tmp_path / "p", log=False)
    since = datetime(2026, 1, 10, tzinfo=UTC)
    log_requests(project, since, rows=2)
    log_requests(project, since - timedelta(seconds=1), rows=3)

    read = read_log(project.root / project.params.serve.log_dir, since)

    assert len(read) == 3  # two served rows and one refusal, all logged at `since`


@ONE_TASK
def test_what_the_monitor_cannot_read_is_one_line_saying_what_to_do(trained_project, tmp_path):
    project = watched(trained_project, tmp_path / "p", log=False)
    folder = project.root / project.params.serve.log_dir

    folder.mkdir(parents=True)
    (folder / "requests-broken.parquet").write_text("not parquet")
    with pytest.raises(ProjectError, match="logs/requests: the request log cannot be read"):
        monitor(project)

    (folder / "requests-broken.parquet").unlink()
    log_requests(project, an_hour_ago())
    (written,) = folder.glob("*.parquet")
    pd.read_parquet(written).drop(columns=["plan"]).to_parquet(written)  # an older contract
    with pytest.raises(ProjectError) as caught:
        monitor(project)
    assert caught.value.problems == [
        "logs/requests: the request log has no column(s) plan: it was written for other "
        "features than params.yaml train names; serve the current model first"
    ]


@ONE_TASK
def test_without_a_champion_there_is_nothing_to_monitor(trained_project, tmp_path):
    project = copy_project(trained_project, tmp_path / "p")
    log_requests(project, an_hour_ago())

    with pytest.raises(ProjectError, match="'tiny-model' has no champion: run `make pipeline`"):
        monitor(project)


def test_a_request_log_kept_shorter_than_the_monitor_window_is_refused(tmp_path):
    with pytest.raises(ProjectError) as caught:
        write_project(
            tmp_path / "p", serve={"log_retention_days": 3.0}, monitor={"window_days": 7.0}
        )

    assert caught.value.problems == [
        "params.yaml: serve.log_retention_days (3) is shorter than monitor.window_days (7), "
        "so the monitor would miss rows it reads; raise the retention or shorten the window."
    ]


def outputs(project) -> tuple[dict, str]:
    """(summary.json, report.html) the monitor wrote."""
    folder = project.root / "reports/monitoring"
    return json.loads((folder / SUMMARY_FILE).read_text()), (folder / "report.html").read_text()


def rows(output: str) -> list[tuple[str, str, str, str]]:
    """(status, rule, subject, text) of each rule line the command printed."""
    return [
        (line[:10].strip(), line[11:27].strip(), line[28:52].strip(), line[53:])
        for line in output.splitlines()
        if line.startswith(("ok ", "TRIPPED ", "not judged "))
    ]


@ONE_TASK
def test_rules_below_min_rows_are_not_judged_in_the_output_the_json_and_the_report(
    trained_project, tmp_path, monkeypatch
):
    # Given 300 served rows and drift judged on 1000 at least
    project = watched(trained_project, tmp_path / "p", min_rows=1000)
    features = project.params.train.features

    # When the monitor runs
    result = invoke(project, monkeypatch)

    # Then it passes, drift and prediction shift not judged saying why, the rest ok
    assert result.exit_code == 0, result.output
    why = "fewer than 1000 served rows: 300 in the window"
    assert [(s, r, sub, t) for s, r, sub, t in rows(result.output) if s == "not judged"] == [
        *[("not judged", "feature_drift", name, why) for name in features],
        ("not judged", "prediction_shift", "predictions", why),
    ]
    assert [r for s, r, _, _ in rows(result.output) if s == "ok"] == OWN_RULES[1:]
    count = f"5 ok, 0 fired, {len(features) + 1} not judged (fewer than 1000 served rows)"
    assert result.output.splitlines()[-1] == count
    summary, page = outputs(project)
    assert summary["counts"] == {"ok": 5, "fired": 0, "not_judged": len(features) + 1}
    assert summary["summary"] == count
    drift = summary["checks"][0]
    assert (drift["rule"], drift["status"], drift["reason"], drift["value"]) == (
        "feature_drift",
        "not_judged",
        "fewer than 1000 served rows",
        None,
    )
    assert {c["status"] for c in summary["checks"][len(features) + 1 :]} == {"ok"}
    assert all(c["reason"] is None for c in summary["checks"] if c["status"] == "ok")
    assert count in page
    assert page.count("<td>not judged</td>") == len(features) + 1
    assert f"<td>{why}</td>" in page


@ONE_TASK
def test_a_fired_rule_alerts_and_fails_and_a_rule_not_judged_does_neither(
    trained_project, tmp_path, monkeypatch
):
    # Given a stale champion, and too few served rows to judge drift
    project = watched(trained_project, tmp_path / "p", min_rows=1000, max_model_age_days=1e-9)
    features = project.params.train.features

    # When the monitor runs with a webhook
    with loopback() as (webhook, received):
        monkeypatch.setenv("MONITOR_WEBHOOK_URL", webhook)
        result = invoke(project, monkeypatch)

    # Then it fails on the stale champion alone, and only that is alerted
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        f"4 ok, 1 fired, {len(features) + 1} not judged (fewer than 1000 served rows)"
    )
    (alert,) = received
    assert [(c["rule"], c["status"]) for c in alert["fired"]] == [("staleness", "fired")]
    assert alert["text"].startswith("tiny-model v1: 1 monitoring rule(s) tripped\n- staleness")


def no_labels(view: MonitorView) -> Check:
    """A team's rule it cannot judge yet: the labels of the served rows are not in."""
    return Check.not_judged("label_rate", "churned", "no labels logged yet", 0.3, "0 of 300")


@ONE_TASK
def test_a_team_check_can_say_it_did_not_judge(trained_project, tmp_path, monkeypatch):
    # Given a team check that cannot judge, beside one that counts
    def counted(view: MonitorView) -> Check:
        return Check("served_rows", "requests", len(view.served), None, False, "counted")

    project = watched(trained_project, tmp_path / "p", checks=(no_labels, counted))

    # When the monitor runs with a webhook
    with loopback() as (webhook, received):
        monkeypatch.setenv("MONITOR_WEBHOOK_URL", webhook)
        result = invoke(project, monkeypatch)

    # Then that rule is not judged, with its reason, and neither fails the monitor nor alerts
    assert result.exit_code == 0, result.output
    assert rows(result.output)[-2:] == [
        ("not judged", "label_rate", "churned", "no labels logged yet: 0 of 300"),
        ("ok", "served_rows", "requests", "counted"),
    ]
    assert result.output.splitlines()[-1].endswith(
        " ok, 0 fired, 1 not judged (no labels logged yet)"
    )
    assert received == []
    summary, page = outputs(project)
    assert summary["checks"][-2] == {
        "rule": "label_rate",
        "subject": "churned",
        "status": "not_judged",
        "value": None,
        "limit": 0.3,
        "fired": False,
        "detail": "0 of 300",
        "reason": "no labels logged yet",
    }
    assert "<td>not judged</td><td>label_rate</td>" in page


@ONE_TASK
def test_a_team_check_both_fired_and_not_judged_is_one_error_naming_it(trained_project, tmp_path):
    def confused(view: MonitorView) -> Check:
        return Check("label_rate", "churned", None, None, True, "", "no labels logged yet")

    project = watched(trained_project, tmp_path / "p", checks=(confused,))

    with pytest.raises(ProjectError) as caught:
        monitor(project)

    assert caught.value.problems[0].startswith(
        "monitor check test_monitoring_run.test_a_team_check_both_fired_and_not_judged_is_one_"
        "error_naming_it.<locals>.confused failed (ValueError: Check label_rate: a rule not "
        "judged cannot have fired)"
    )


@ONE_TASK
def test_without_a_request_log_there_is_nothing_to_judge_and_the_monitor_passes(
    trained_project, tmp_path, monkeypatch
):
    # Given a project never served (a stale champion too, which is not judged without a log)
    project = watched(trained_project, tmp_path / "p", log=False, max_model_age_days=1e-9)

    # When the monitor runs with a webhook
    with loopback() as (webhook, received):
        monkeypatch.setenv("MONITOR_WEBHOOK_URL", webhook)
        result = invoke(project, monkeypatch)

    # Then it says so plainly and passes, alerting no one; the summary and report say so too
    nothing = (
        "no request log at logs/requests: nothing to judge (serve the model to start one: "
        "`make serve`, with serve.log_sample_rate above 0)"
    )
    assert (result.exit_code, result.output.splitlines()[-1]) == (0, nothing)
    assert rows(result.output) == []
    assert received == []
    summary, page = outputs(project)
    assert (summary["version"], summary["checks"], summary["summary"]) == (None, [], nothing)
    assert summary["counts"] == {"ok": 0, "fired": 0, "not_judged": 0}
    assert nothing in page


@ONE_TASK
def test_an_empty_window_judges_the_champions_age_only(trained_project, tmp_path, monkeypatch):
    # Given a request log whose every record is older than the window
    project = watched(trained_project, tmp_path / "p", log=False)
    log_requests(project, datetime.now(UTC) - timedelta(days=10))

    # When the monitor runs
    result = invoke(project, monkeypatch)

    # Then only staleness is ok; every other rule is not judged, saying why
    assert result.exit_code == 0, result.output
    assert [(s, r) for s, r, _, _ in rows(result.output) if s != "not judged"] == [
        ("ok", "staleness")
    ]
    features = len(project.params.train.features)
    assert result.output.splitlines()[-1] == (
        f"1 ok, 0 fired, {features + 5} not judged "
        "(no served rows in the window; no requests in the window)"
    )


@ONE_TASK
def test_a_feature_absent_from_older_log_files_is_not_judged(trained_project, tmp_path):
    # Given the window's log: 300 rows from before monthly_fee was logged, 5 since
    project = watched(trained_project, tmp_path / "p")
    (older,) = (project.root / project.params.serve.log_dir).glob("*.parquet")
    pd.read_parquet(older).drop(columns=["monthly_fee"]).to_parquet(older)
    log_requests(project, an_hour_ago(), rows=5)

    # When the monitor runs
    outcome = monitor(project)

    # Then monthly_fee's drift is not judged on its 5 values; the other features are judged
    drift = {c.subject: c for c in outcome.checks if c.rule == "feature_drift"}
    assert drift["monthly_fee"].status == "not_judged"
    assert drift["monthly_fee"].text == (
        "fewer than 200 served rows with a value: 5 of 305 have one"
    )
    assert {c.status for name, c in drift.items() if name != "monthly_fee"} == {"ok"}


def test_prediction_shift_on_too_few_of_the_champions_answers_is_not_judged(
    trained_project, tmp_path
):
    # Given 300 answers of an earlier version in the window, and 10 of the champion's
    project = watched(trained_project, tmp_path / "p", log=False)
    log_requests(project, an_hour_ago(), version="0", rows=300)
    log_requests(project, an_hour_ago(), version="1", rows=10)

    # When the monitor runs
    outcome = monitor(project)

    # Then the prediction shift is not judged, saying whose answers were too few
    (shift,) = [c for c in outcome.checks if c.rule == "prediction_shift"]
    assert (shift.status, shift.text) == (
        "not_judged",
        "fewer than 200 rows answered by v1: 10 of 310 served rows",
    )
    assert outcome.fired == []
    assert shift in outcome.not_judged
