"""`data freshness` on a project's source files: quiet when the newest month has landed, one
TRIPPED line, exit 1 and a webhook alert when it is late; a time column that is not a date is
one line saying what to name; settings that cannot be judged are refused when params.yaml
loads."""

from datetime import date

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from ml_playbook.cli import data as data_command
from ml_playbook.cli.common import Apps
from ml_playbook.errors import ProjectError
from tests.library.factory import write_project
from tests.library.release.loopback import loopback

SOURCE = "data/raw/activity.parquet"


def project_with_activity(root, monthly_rows=(100, 90, 100, 110, 94), **source):
    """A project whose `activity` source holds `monthly_rows` rows a month up to 2024-12."""
    project = write_project(
        root,
        sql={"engine": "duckdb", "dialect": "duckdb", "sources": {"activity": SOURCE}},
        data_checks={
            "sources": {
                "activity": {"time_column": "month_start", "max_lag_months": 1, "volume": "month"}
                | source
            }
        },
    )
    starts = pd.date_range(end="2024-12-01", periods=len(monthly_rows), freq="MS").date
    frame = pd.DataFrame(
        {
            "month_index": [i for i, rows in enumerate(monthly_rows) for _ in range(rows)],
            "month_start": [
                start for start, rows in zip(starts, monthly_rows, strict=True) for _ in range(rows)
            ],
        }
    )
    (project.root / SOURCE).parent.mkdir(parents=True)
    frame.to_parquet(project.root / SOURCE, index=False)
    return project


def invoke(project, monkeypatch, *args):
    root = typer.Typer()
    data = typer.Typer()
    root.add_typer(data, name="data")
    data_command.register(Apps(root, data), project.spec)
    monkeypatch.chdir(project.root)
    return CliRunner().invoke(root, ["data", "freshness", *args])


def test_sources_that_landed_pass_and_late_ones_trip_and_alert(tmp_path, monkeypatch):
    project = project_with_activity(tmp_path / "project")

    landed = invoke(project, monkeypatch, "--as-of", "2025-01-15")
    with loopback() as (webhook, received):
        monkeypatch.setenv("MONITOR_WEBHOOK_URL", webhook)
        late = invoke(project, monkeypatch, "--as-of", "2025-02-01")

    assert landed.exit_code == 0, landed.output
    assert landed.output.splitlines() == [
        "ok         freshness  activity         newest month_start 2024-12-01 (month 2024-12); "
        "on 2025-01-15 the newest month may be no older than 2024-12 (1 month(s) behind, at "
        "most 1)",
        "ok         volume     activity         2024-12: 94 rows, 0.94 x the mean of 2024-09 to "
        "2024-11 (100.0); allowed 0.8-1.2",
        "as of 2025-01-15: 2 ok, 0 fired, 0 not judged",
    ]
    assert late.exit_code == 1
    assert late.output.splitlines()[0].startswith("TRIPPED    freshness  activity")
    assert [(c["rule"], c["subject"], c["value"]) for c in received[0]["fired"]] == [
        ("freshness", "activity", 2)
    ]
    assert received[0]["as_of"] == "2025-02-01"
    assert received[0]["text"].startswith("tiny-model: 1 data check(s) failed on 2025-02-01")


def test_a_time_column_that_is_not_a_date_is_one_line_naming_the_setting(tmp_path, monkeypatch):
    project = project_with_activity(tmp_path / "project", time_column="month_index")

    result = invoke(project, monkeypatch, "--as-of", str(date(2025, 1, 15)))

    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: data_checks.sources.activity.time_column 'month_index' of "
        "data/raw/activity.parquet is BIGINT, not a date or timestamp: name a date column (or "
        "add one to the export)"
    )


@pytest.mark.parametrize(
    ("checks", "problem"),
    [
        (
            {"sources": {"billing": {"time_column": "day", "max_lag_days": 3}}},
            "data_checks.sources names billing, which is not a source of sql.sources (activity)",
        ),
        (
            {"sources": {"activity": {"time_column": "month_start"}}},
            "data_checks.sources.activity: give exactly one of max_lag_days or max_lag_months",
        ),
        (
            {"volume": {"min_ratio": 1.5}},
            "data_checks.volume: min_ratio 1.5 is above max_ratio 1.2",
        ),
    ],
)
def test_settings_that_cannot_be_judged_are_refused_when_the_project_loads(
    tmp_path, checks, problem
):
    with pytest.raises(ProjectError) as refused:
        write_project(
            tmp_path / "project",
            sql={"engine": "duckdb", "dialect": "duckdb", "sources": {"activity": SOURCE}},
            data_checks=checks,
        )

    assert refused.value.problems == [f"params.yaml: {problem}."]


def test_rows_dated_after_the_day_judged_do_not_make_a_stalled_source_look_fresh(
    tmp_path, monkeypatch
):
    # Given a source whose export stalled in 2024-12 but holds one row dated 9999-12-31
    project = project_with_activity(tmp_path / "project")
    frame = pd.read_parquet(project.root / SOURCE)
    frame.loc[len(frame)] = {"month_index": 99, "month_start": date(9999, 12, 31)}
    frame.to_parquet(project.root / SOURCE, index=False)

    # When it is judged in 2025-03
    result = invoke(project, monkeypatch, "--as-of", "2025-03-10")

    # Then it is late, and the future-dated row fires a check of its own
    assert result.exit_code == 1, result.output
    tripped = [line for line in result.output.splitlines() if "TRIPPED" in line]
    assert any("freshness" in line and "2024-12" in line for line in tripped), result.output
    assert any("future_dates" in line and "1 row(s)" in line for line in tripped), result.output
