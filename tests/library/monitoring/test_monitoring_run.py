"""The monitor over a logged window of requests: quiet on traffic like the training data, it
alerts the webhook when a rule trips (a stale champion), runs the team's own checks after its
rules and reports and alerts on them alike; what it cannot read is one line saying what to do."""

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
from ml_playbook.modeling.metrics import model_scores
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
OWN_RULES = ["prediction_shift", "schema", "invalid_inputs", "errors", "latency", "staleness"]


def an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


def log_requests(project, at: datetime, version: str = "1", rows: int = 300, shift: float = 0.0):
    """`rows` requests `version` answered (training rows, their scores plus `shift`) and one it
    refused, logged at `at` as the service writes them."""
    model = joblib.load(project.root / MODEL)
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
    registry.register("tiny-model", Candidate(joblib.load(root / MODEL), "run"))
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
    assert [line.split()[1] for line in lines[-7:-1]] == OWN_RULES
    assert all(line.startswith("ok ") for line in lines[:-1])
    assert lines[-1] == f"report: {project.root / 'reports/monitoring/report.html'}"
    summary = json.loads((project.root / "reports/monitoring" / SUMMARY_FILE).read_text())
    assert (summary["model"], summary["version"]) == ("tiny-model", "1")
    assert len(summary["checks"]) == len(lines) - 1


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
    assert [line.split()[1] for line in lines[-4:-1]] == [
        "premium_share",
        "served_rows",
        "reference_rows",
    ]
    assert lines[-4].startswith("TRIPPED premium_share")
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


def test_the_window_includes_its_first_moment_and_nothing_before(trained_project, tmp_path):
    project = watched(trained_project, tmp_path / "p", log=False)
    since = datetime(2026, 1, 10, tzinfo=UTC)
    log_requests(project, since, rows=2)
    log_requests(project, since - timedelta(seconds=1), rows=3)

    read = read_log(project.root / project.params.serve.log_dir, since)

    assert len(read) == 3  # two served rows and one refusal, all logged at `since`


def test_what_the_monitor_cannot_read_is_one_line_saying_what_to_do(trained_project, tmp_path):
    project = watched(trained_project, tmp_path / "p", log=False)
    folder = project.root / project.params.serve.log_dir

    with pytest.raises(ProjectError, match="logs/requests holds no request log: serve the model"):
        monitor(project)

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
