"""Runs in one table: read from the registry, filtered by date, params and tags; summarised;
each metric's history per test set with champion's moves; and the report pages."""

from datetime import UTC, datetime

import pandas as pd
import pytest

from ml_playbook.cli.evaluation import option_pairs
from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.history import (
    champion_changes,
    filter_runs,
    history_figure,
    load_runs,
    metric_history,
    runs_table,
    summary,
)
from ml_playbook.evaluation.reports import ANALYSIS_REPORTS, write_index, write_page
from ml_playbook.project.paths import EVALUATION_REPORT
from ml_playbook.registry import Candidate, Move, Run
from ml_playbook.registry.memory import MemoryRegistry
from ml_playbook.registry.moves import move_champion, parse_moment
from tests.library.evaluation.conftest import ON_CLASSIFICATION, copy_project, invoke


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


RUNS = [
    Run(
        "a",
        at("2025-01-05T10:00"),
        {"train.model": "linear"},
        {"roc_auc": 0.70, "eval.roc_auc": 0.70, "golden.roc_auc": 1.0},
        {"git_commit": "111"},
    ),
    Run(
        "b",
        at("2025-02-05T10:00"),
        {"train.model": "hist_gradient_boosting"},
        {"roc_auc": 0.72, "eval.roc_auc": 0.72},
        {"git_commit": "222"},
    ),
    Run(
        "c",
        at("2025-03-05T10:00"),
        {"train.model": "linear"},
        {"roc_auc": 0.71, "eval.roc_auc": 0.71, "golden.roc_auc": 0.9},
        {"git_commit": "333"},
    ),
]


@pytest.fixture
def runs() -> pd.DataFrame:
    return runs_table(reversed(RUNS))  # in any order: the table is oldest first


def test_runs_become_the_table_a_run_search_gives(runs):
    assert list(runs["run_id"]) == ["a", "b", "c"]
    assert {"params.train.model", "metrics.golden.roc_auc", "tags.git_commit"} <= set(runs)
    assert str(runs["start_time"].dt.tz) == "UTC"
    assert runs["metrics.golden.roc_auc"].isna().tolist() == [False, True, False]


def test_no_runs_give_an_empty_table_that_filters_and_summarises(tmp_path):
    empty = load_runs(MemoryRegistry(), "nothing")

    assert list(empty.columns) == ["run_id", "start_time"]
    assert filter_runs(empty, since=parse_moment("2025-01-01")).empty
    assert summary(empty).empty
    assert metric_history(empty, "roc_auc", ["eval"]).empty


def test_runs_filter_by_date_param_and_tag(runs):
    assert list(filter_runs(runs, since=parse_moment("2025-02-01T00:00"))["run_id"]) == ["b", "c"]
    assert list(filter_runs(runs, until=parse_moment("2025-02-05"))["run_id"]) == ["a", "b"]
    assert list(filter_runs(runs, params={"train.model": "linear"})["run_id"]) == ["a", "c"]
    assert list(filter_runs(runs, tags={"git_commit": "222"})["run_id"]) == ["b"]


def test_an_unknown_param_names_the_known_ones(runs):
    with pytest.raises(ProjectError, match="no run has param 'train.depth'; known: train.model"):
        filter_runs(runs, params={"train.depth": "3"})


def test_a_pair_without_equals_is_an_error():
    with pytest.raises(ProjectError, match="--param 'train.model': write key=value"):
        option_pairs(["train.model"], "--param", "key=value", "train.model=linear")


def test_the_summary_has_a_row_per_metric(runs):
    table = summary(runs).set_index("metric")

    assert table.loc["roc_auc", "count"] == 3
    assert table.loc["golden.roc_auc", "count"] == 2  # a run without it is not counted
    assert table.loc["roc_auc", "max"] == pytest.approx(0.72)


def test_history_is_per_test_set_and_skips_runs_without_the_metric(runs):
    history = metric_history(runs, "roc_auc", ["eval", "golden", "holdout"])

    assert list(history[history["set"] == "eval"]["run_id"]) == ["a", "b", "c"]
    assert list(history[history["set"] == "golden"]["run_id"]) == ["a", "c"]
    assert "holdout" not in set(history["set"])


def test_champion_moves_are_marked_on_the_history(runs):
    moves = [
        Move("auto-promote", None, "1", "ci", "2025-01-05T10:05:00+00:00", "first model"),
        Move("promote", "1", "2", "ana", "2025-02-06T09:00:00+00:00", "better"),
    ]

    changes = champion_changes(moves)
    figure = history_figure(metric_history(runs, "roc_auc", ["eval"]), changes, "roc_auc")

    assert list(changes["version"]) == ["1", "2"]
    assert len(figure.axes[0].lines) == 1 + len(moves)  # the eval line and a line per move


def test_the_index_links_every_report_and_escapes_titles(tmp_path):
    write_page(tmp_path, "metrics", "Metrics of <v3>", ["<p>x</p>"])
    write_page(tmp_path, "history", "Run history", [])
    (tmp_path / EVALUATION_REPORT).mkdir(parents=True)
    (tmp_path / EVALUATION_REPORT / "evaluation.png").write_bytes(b"")
    (tmp_path / EVALUATION_REPORT / "folder.png").mkdir()

    index = write_index(tmp_path).read_text()

    assert 'href="metrics/index.html"' in index
    assert 'href="history/index.html"' in index
    assert "&lt;v3&gt;" in index
    assert "<v3>" not in index
    assert "evaluation stage: evaluation.png" in index
    assert "folder.png" not in index
    assert (tmp_path / ANALYSIS_REPORTS / "metrics/index.html").is_file()


def test_a_page_placed_in_the_reports_folder_cannot_inject_markup(tmp_path):
    hostile = tmp_path / ANALYSIS_REPORTS / "evil"
    hostile.mkdir(parents=True)
    (hostile / "index.html").write_text("<title><script>alert(1)</script></title>")

    index = write_index(tmp_path).read_text()

    assert "<script>" not in index
    assert "&lt;script&gt;" in index


def test_a_date_means_its_start_for_since_and_its_end_for_until():
    assert parse_moment("2025-02-05", end_of_day=False) == pd.Timestamp("2025-02-05", tz="UTC")
    assert parse_moment("2025-02-05").date().isoformat() == "2025-02-05"
    assert parse_moment("2025-02-05").hour == 23
    assert parse_moment("2025-02-05T10:00").tzinfo is not None  # naive times are UTC


@ON_CLASSIFICATION
def test_eval_history_lists_the_registered_runs_per_test_set_with_the_champion_move(
    trained_project, tmp_path, monkeypatch
):
    registry = MemoryRegistry()
    project = copy_project(trained_project, tmp_path / "copy", registry=registry)
    name = project.params.registry.model_name
    version = registry.register(
        name,
        Candidate(object(), "run", {"train.model": "x"}, {"roc_auc": 0.7, "eval.roc_auc": 0.7}),
    )
    move_champion(
        registry, name, Move("auto-promote", None, version.version, "ci", "2025-01-01", "first")
    )
    monkeypatch.chdir(project.root)

    result = invoke(project, "eval", "history", "--param", "train.model=x")

    assert result.exit_code == 0, result.output
    assert "1 runs" in result.output
    folder = project.root / "reports/analysis/history"
    assert pd.read_csv(folder / "runs.csv").at[0, "metrics.eval.roc_auc"] == pytest.approx(0.7)
    assert "auto-promote" in (folder / "index.html").read_text()
    assert (folder / "history.png").is_file()
    unknown = invoke(project, "eval", "history", "--metric", "bleu")
    assert unknown.exit_code == 0, unknown.output
    assert "warning: no run logged bleu per test set (eval)" in unknown.output


@ON_CLASSIFICATION
def test_eval_history_of_no_matching_run_says_so_and_a_bad_filter_is_one_line(writable):
    none_since = invoke(writable, "eval", "history", "--since", "2999-01-01")
    bad = invoke(writable, "eval", "history", "--tag", "owner")

    assert none_since.exit_code == 0, none_since.output
    assert "0 runs" in none_since.output
    assert bad.exit_code == 1
    assert bad.output.strip() == "error: --tag 'owner': write key=value, e.g. owner=data-science"
