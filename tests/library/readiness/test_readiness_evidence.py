"""Each item of the ML Test Score is earned only by evidence that shows what the paper's test
means: a marked test where a test can show it; the monitor's summary of served traffic, the
baseline in reports/metrics.json or CODEOWNERS where only those can; a dated write-up (half a
point) for everything. The report quotes the paper beside the evidence and says what would earn
each item it does not give."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.readiness import report
from ml_playbook.readiness.rubric import BY_ID, ITEMS
from ml_playbook.readiness.score import compute
from tests.library.readiness.repositories import CI, TODAY, marked_test, repository

MONITOR_CI = ".github/workflows/monitor.yml"
SUMMARY = "reports/monitoring/summary.json"
TEMPLATE = Path(__file__).resolve().parents[3] / "template"


def line_of(score, item: str):
    return next(line for line in score.lines if line.item == item)


def summary(checks: list[dict], at: str = "2026-05-30T05:00:00+00:00") -> str:
    return json.dumps({"model": "m", "version": "3", "at": at, "checks": checks})


def check(rule: str, subject: str, value: float | None, detail: str = "seen") -> dict:
    """A check as the monitor writes it: judged (ok) with a value, else not judged."""
    status, reason = ("ok", None) if value is not None else ("not_judged", "too few rows")
    return {"rule": rule, "subject": subject, "status": status, "value": value, "limit": 1,
            "fired": False, "detail": detail, "reason": reason}  # fmt: skip


def test_every_item_quotes_the_papers_test():
    assert all(item.quote.endswith(".") and item.quote[0].isupper() for item in ITEMS)
    assert BY_ID["model-2"].quote == "Offline and online metrics correlate."
    assert BY_ID["model-5"].quote == "A simpler model is not better."
    assert BY_ID["monitoring-3"].quote == "Training and serving features compute the same values."
    assert BY_ID["monitoring-7"].quote == (
        "The model has not experienced a regression in prediction quality on served data."
    )


def test_a_marked_test_earns_only_the_items_a_test_can_show(tmp_path):
    root = repository(tmp_path, {"tests/test_a.py": marked_test(*BY_ID), CI: "run: make test\n"})

    score = compute(root, 90, TODAY)

    by_tests = {line.item for line in score.lines if line.points == 1}
    assert by_tests == {item.id for item in ITEMS if item.kind == "test"}
    assert {"model-2", "model-5", "monitoring-3", "monitoring-7", "infrastructure-6"}.isdisjoint(
        by_tests
    )
    model_2 = line_of(score, "model-2")
    assert model_2.points == 0
    assert model_2.not_counted == [
        "tests/test_a.py::test_it: marked model-2, but a test that the service answers as the "
        "model does offline shows serving parity; no online metric is measured"
    ]


# What only the running system shows, and the monitor check that shows it.
MONITORED = {
    "model-2": "online_offline",
    "monitoring-2": "schema",
    "monitoring-3": "feature_drift",
    "monitoring-4": "staleness",
    "monitoring-5": "non_finite",
    "monitoring-6": "latency",
    "monitoring-7": "prediction_quality",
}


@pytest.mark.parametrize(("item", "rule"), sorted(MONITORED.items()))
def test_a_monitor_item_moves_with_the_monitors_summary_of_served_traffic(tmp_path, item, rule):
    root = repository(tmp_path, {"tests/test_a.py": marked_test(item), CI: "make test\n"})
    assert line_of(compute(root, 90, TODAY), item).points == 0  # a marked test is not enough

    repository(root, {SUMMARY: summary([check(rule, "x", 0.1)])})
    by_hand = line_of(compute(root, 90, TODAY), item)
    repository(root, {MONITOR_CI: "on:\n  schedule: [{cron: '0 5 * * *'}]\nrun: make monitor\n"})
    scheduled = line_of(compute(root, 90, TODAY), item)
    stale = line_of(compute(root, 90, TODAY + dt.timedelta(days=100)), item)
    (root / SUMMARY).unlink()
    gone = line_of(compute(root, 90, TODAY), item)

    assert by_hand.points == 0.5
    assert by_hand.to_earn == "a scheduled CI job that runs `make monitor`"
    assert scheduled.points == 1
    assert scheduled.evidence[0].startswith(f"{SUMMARY} of 2026-05-30: 1 `{rule}` check(s)")
    assert scheduled.evidence[1] == f"the monitor runs on schedule ({MONITOR_CI})"
    assert stale.points == 0
    assert stale.not_counted[0] == f"{SUMMARY} of 2026-05-30: older than 90 days"
    assert gone.points == 0
    assert gone.to_earn.startswith(BY_ID[item].earn)


def test_skew_needs_served_features_compared_one_by_one_not_prediction_drift(tmp_path):
    unjudged = [
        check("feature_drift", "all features", None, "150 served rows logged, fewer than 200"),
        check("prediction_shift", "predictions", 0.4),
    ]
    root = repository(tmp_path, {SUMMARY: summary(unjudged)})

    before = line_of(compute(root, 90, TODAY), "monitoring-3")
    repository(root, {SUMMARY: summary([check("feature_drift", "tenure_months", 0.03),
                                        check("feature_drift", "plan", 0.01)])})  # fmt: skip
    after = line_of(compute(root, 90, TODAY), "monitoring-3")

    assert before.points == 0
    assert before.not_counted == [
        f"{SUMMARY} of 2026-05-30: no `feature_drift` check judged on served traffic"
    ]
    assert after.points == 0.5
    assert "2 `feature_drift` check(s) on served traffic, e.g. tenure_months" in after.evidence[0]


def test_quality_on_served_data_is_not_earned_by_prediction_drift(tmp_path):
    root = repository(tmp_path, {SUMMARY: summary([check("prediction_shift", "predictions", 0.3)])})

    score = compute(root, 90, TODAY)

    assert line_of(score, "monitoring-7").points == 0
    assert "joined with the labels that arrive later" in line_of(score, "monitoring-7").to_earn
    assert line_of(score, "model-2").points == 0


def test_a_summary_written_before_checks_had_a_status_counts_the_checks_with_a_figure(tmp_path):
    earlier = [
        {"rule": "latency", "subject": "p99", "value": 80.0, "fired": False, "detail": "p99 80"},
        {"rule": "schema", "subject": "served rows", "value": None, "fired": False, "detail": ""},
    ]
    root = repository(tmp_path, {SUMMARY: summary(earlier)})

    score = compute(root, 90, TODAY)

    assert line_of(score, "monitoring-6").points == 0.5
    assert line_of(score, "monitoring-2").points == 0


def test_a_summary_that_is_not_the_monitors_is_named(tmp_path):
    root = repository(tmp_path, {SUMMARY: '{"checks": []}'})

    with pytest.raises(ProjectError, match=f"^{SUMMARY}: not a monitor summary"):
        compute(root, 90, TODAY)


def test_the_monitor_summary_is_read_from_the_folder_given(tmp_path):
    root = repository(tmp_path, {"ops/summary.json": summary([check("latency", "p99", 80.0)])})

    assert line_of(compute(root, 90, TODAY), "monitoring-6").points == 0
    assert line_of(compute(root, 90, TODAY, monitor_dir="ops"), "monitoring-6").points == 0.5


METRICS_WITHOUT_BASELINE = {"rows": 900, "roc_auc": 0.71, "sets": {"eval": {"roc_auc": 0.71}}}


def test_a_simpler_model_is_compared_only_by_the_baseline_in_the_metrics(tmp_path):
    root = repository(
        tmp_path,
        {
            "tests/test_model.py": marked_test("model-5"),  # "beats a constant": nothing simpler
            "reports/metrics.json": json.dumps(METRICS_WITHOUT_BASELINE),
            CI: "make test\n",
        },
    )
    without = line_of(compute(root, 90, TODAY), "model-5")
    baseline = {"model": "one feature: tenure_months (logistic regression)",
                "sets": {"eval": {"accuracy": 0.8, "roc_auc": 0.62}}}  # fmt: skip
    document = {**METRICS_WITHOUT_BASELINE, "baseline": baseline}
    document["sets"] = {"eval": {"accuracy": 0.81, "roc_auc": 0.71}}
    repository(root, {"reports/metrics.json": json.dumps(document)})
    by_hand = line_of(compute(root, 90, TODAY, primary_metric="roc_auc"), "model-5")
    repository(root, {CI: "make test\nmake pipeline\n"})
    automated = line_of(compute(root, 90, TODAY, primary_metric="roc_auc"), "model-5")

    assert without.points == 0
    assert without.not_counted == [
        "tests/test_model.py::test_it: marked model-5, but a test that the model beats a "
        "constant's score compares it with no simpler model trained on the data"
    ]
    assert by_hand.points == 0.5
    assert automated.points == 1
    assert automated.evidence == [
        "reports/metrics.json compares the model with a baseline (one feature: tenure_months "
        "(logistic regression)): eval roc_auc 0.71 against 0.62",
        f"written by the pipeline, which {CI} runs",
    ]


@pytest.mark.parametrize(
    ("codeowners", "earned"),
    [
        ("*  @kim\n", 1),
        ("*  @kim\n/params.yaml  @lee @ops/ml\n", 1),
        ("*  @kim\n/params.yaml\n", 0),  # the last matching rule wins: no owner
        ("/sql/  @kim\n", 0),
        ("# * @kim\n", 0),
    ],
)
def test_model_specs_are_reviewed_when_codeowners_name_a_reviewer_of_params(
    tmp_path, codeowners, earned
):
    root = repository(
        tmp_path,
        {
            "tests/test_config.py": marked_test("model-1"),  # validated is not reviewed
            CI: "make test\n",
            ".github/CODEOWNERS": codeowners,
        },
    )

    assert line_of(compute(root, 90, TODAY), "model-1").points == earned
    (root / ".github/CODEOWNERS").unlink()
    assert line_of(compute(root, 90, TODAY), "model-1").points == 0


@pytest.mark.parametrize("item", ["data-6", "model-4", "infrastructure-6", "infrastructure-7"])
def test_what_only_production_shows_is_earned_by_a_write_up_alone(tmp_path, item):
    root = repository(
        tmp_path,
        {"tests/test_a.py": marked_test(item), CI: "make test\n", "docs/drill.md": "done\n"},
    )
    missing = line_of(compute(root, 90, TODAY), item)
    assert missing.points == 0
    assert missing.to_earn == (
        f"{BY_ID[item].earn}, listed in docs/readiness/records.yml (half a point: nothing in "
        "this project shows it automatically yet)"
    )

    repository(
        root,
        {
            "docs/readiness/records.yml": (
                f"- {{item: {item}, by: '@kim', date: 2026-01-10, result: done,"
                " link: docs/drill.md}\n"
            )
        },
    )
    written = line_of(compute(root, 180, TODAY), item)
    too_old = line_of(compute(root, 90, TODAY), item)

    assert written.points == 0.5
    assert written.evidence == ["docs/drill.md (@kim, 2026-01-10: done)"]
    assert written.to_earn.startswith("nothing in this project can show it automatically yet")
    assert too_old.points == 0
    assert too_old.not_counted[0] == "docs/drill.md (@kim, 2026-01-10: done): older than 90 days"


def fresh_project(root: Path, ci: bool) -> Path:
    """The evidence a newly generated project holds: the template's test files' markers, its CI
    files (GitHub), no CODEOWNERS (no roles answered), no pipeline outputs, no monitor run."""
    claims = [
        match.group(1)
        for path in sorted((TEMPLATE / "tests").glob("test_*.py*"))
        for match in re.finditer(r"mark\.readiness\(([^)]*)\)", path.read_text())
    ]
    files = {f"tests/test_{n}.py": f"import pytest\n\n\n@pytest.mark.readiness({claim})\n"
             "def test_it():\n    pass\n" for n, claim in enumerate(claims)}  # fmt: skip
    if ci:
        workflows = next(TEMPLATE.glob("*.github*")) / "workflows"
        for path in workflows.glob("*.yml.jinja"):
            files[f".github/workflows/{path.name.removesuffix('.jinja')}"] = path.read_text()
    return repository(root, files)


def test_a_fresh_project_scores_what_the_paper_calls_serious_holes_in_reliability(tmp_path):
    score = compute(fresh_project(tmp_path, ci=True), 180, TODAY)

    assert score.sections == {"data": 5, "model": 3, "infrastructure": 5, "monitoring": 1}
    assert score.final == 1
    assert score.band == "not totally untested, but serious holes in reliability are possible"
    earned = {line.item for line in score.lines if line.points}
    assert earned == {
        "data-1", "data-3", "data-4", "data-5", "data-7",
        "model-3", "model-6", "model-7",
        "infrastructure-1", "infrastructure-2", "infrastructure-3", "infrastructure-4",
        "infrastructure-5",
        "monitoring-1",
    }  # fmt: skip


def test_a_fresh_project_without_ci_is_a_research_project(tmp_path):
    score = compute(fresh_project(tmp_path, ci=False), 180, TODAY)

    assert score.sections == {"data": 2.5, "model": 1.5, "infrastructure": 2.5, "monitoring": 0}
    assert score.band == "more of a research project than a productionized system"


def test_the_report_quotes_the_paper_beside_the_evidence_and_says_what_would_earn_the_rest(
    tmp_path,
):
    root = repository(tmp_path, {"tests/test_a.py": marked_test("data-1", "model-2"), CI: "x"})
    score = compute(root, 90, TODAY)

    lines = report.lines_for_terminal(score)
    report.write(score, tmp_path / "out/readiness.json", tmp_path / "out/index.html")

    at = lines.index(next(line for line in lines if line.startswith("model-2 ")))
    assert lines[at].split(None, 2)[1:] == ["0", '"Offline and online metrics correlate."']
    assert lines[at + 1].strip() == (
        f"not earned: {BY_ID['model-2'].earn}; or a write-up of an A/B experiment relating "
        "offline metrics to the product's (the paper's way: an intentionally degraded model), "
        "listed in docs/readiness/records.yml (half a point)"
    )
    assert lines[at + 2].strip().startswith("not counted: tests/test_a.py::test_it: marked model-2")
    data_1 = lines.index(next(line for line in lines if line.startswith("data-1 ")))
    assert lines[data_1].endswith('"Feature expectations are captured in a schema."')
    assert lines[data_1 + 1].strip().startswith("evidence: tests/test_a.py::test_it")
    written = json.loads((tmp_path / "out/readiness.json").read_text())
    model_2 = next(item for item in written["items"] if item["item"] == "model-2")
    assert model_2["quote"] == "Offline and online metrics correlate."
    assert model_2["to_earn"].startswith("online metrics")
    page = (tmp_path / "out/index.html").read_text()
    assert "<q>Offline and online metrics correlate.</q>" in page
    assert "not earned: online metrics" in page
