"""The request log: each served row is a record with its prediction, a refused request one
record with its problem; files appear whole; retention deletes only the log's own files older
than it, at start even when nothing is sampled."""

from datetime import UTC, datetime, timedelta

import pyarrow.parquet as pq

from ml_playbook.serving.request_log import RequestLog


def log_name(written: datetime, suffix: str = "parquet") -> str:
    """The name the request log gives a file it writes at `written`."""
    return f"requests-{written:%Y%m%dT%H%M%S}-0123abcd.{suffix}"


def test_a_served_request_is_a_record_per_row_and_a_refused_one_a_single_record(tmp_path):
    # Given a log of two features
    log = RequestLog(tmp_path, {"x": "double", "plan": "string"}, 1.0, 10.0)

    # When a batch of two is served and a request is refused
    log.record(
        200,
        4.5,
        "3",
        rows=[{"x": 1.0, "plan": "a"}, {"x": 2.0, "plan": "b"}],
        predictions=[0.1, 0.2],
    )
    log.record(422, 1.0, "3", problem="plan:literal_error")
    written = log.flush()

    # Then one file holds three records, typed, and no temporary file is left
    table = pq.read_table(written)
    assert table.column_names == [
        "request_id",
        "logged_at",
        "status",
        "latency_ms",
        "model_version",
        "x",
        "plan",
        "prediction",
        "problem",
    ]
    rows = table.to_pylist()
    assert [(r["status"], r["x"], r["plan"], r["prediction"], r["problem"]) for r in rows] == [
        (200, 1.0, "a", 0.1, None),
        (200, 2.0, "b", 0.2, None),
        (422, None, None, None, "plan:literal_error"),
    ]
    assert rows[0]["request_id"] == rows[1]["request_id"] != rows[2]["request_id"]
    assert [p.name for p in tmp_path.iterdir()] == [written.name]


def test_nothing_buffered_writes_no_file(tmp_path):
    assert RequestLog(tmp_path / "logs", {}, 1.0, 10.0).flush() is None
    assert not (tmp_path / "logs").exists()


def test_a_sample_rate_of_zero_samples_nothing_and_of_one_everything(tmp_path):
    never, always = RequestLog(tmp_path, {}, 0.0, 10.0), RequestLog(tmp_path, {}, 1.0, 10.0)

    assert not any(never.sampled() for _ in range(200))
    assert all(always.sampled() for _ in range(200))


def test_retention_deletes_only_the_logs_own_files_older_than_it(tmp_path):
    # Given a log folder with files written 40 and 1 days ago, a temporary file left 35 days
    # ago, and what the log did not write: other names, a subfolder, a symlink to outside
    now = datetime(2026, 6, 30, 12, tzinfo=UTC)
    folder, outside = tmp_path / "logs/requests", tmp_path / "elsewhere.parquet"
    (folder / "archive").mkdir(parents=True)
    outside.write_text("not the log's")
    old, fresh = log_name(now - timedelta(days=40)), log_name(now - timedelta(days=1))
    stale = log_name(now - timedelta(days=35), "partial")
    others = [
        "notes.parquet",
        "requests-20200101T000000.parquet",
        "requests-old-0123abcd.parquet",
        "requests-20261399T000000-0123abcd.parquet",  # digits that are no date
        f"copy-of-{old}",
    ]
    for name in [old, fresh, stale, *others]:
        (folder / name).write_bytes(b"rows")
    (folder / "archive" / old).write_bytes(b"rows")
    (folder / log_name(now - timedelta(days=50))).symlink_to(outside)

    # When the log prunes with a 30-day retention
    deleted = RequestLog(folder, {}, 0.0, 10.0, retention_days=30).prune(now)

    # Then the old file and the stale temporary one are gone, and nothing else
    assert sorted(path.name for path in deleted) == sorted([old, stale])
    kept = {path.relative_to(folder).as_posix() for path in folder.rglob("*")}
    assert kept == {fresh, *others, "archive", f"archive/{old}", log_name(now - timedelta(days=50))}
    assert outside.read_text() == "not the log's"


def test_a_file_goes_only_once_its_newest_row_is_past_the_retention(tmp_path):
    # Given a file written now, kept one day
    log = RequestLog(tmp_path, {"x": "double"}, 1.0, 10.0, retention_days=1)
    log.record(200, 5.0, "1", rows=[{"x": 1.0}], predictions=[0.1])
    written = log.flush()
    logged = pq.read_table(written).column("logged_at")[0].as_py()

    # When it prunes a day after the row, then two seconds later
    kept = log.prune(logged + timedelta(days=1))
    deleted = log.prune(logged + timedelta(days=1, seconds=2))

    # Then the file stays at the last moment of the row's day, and goes past it
    assert kept == []
    assert deleted == [written]


def test_the_log_prunes_when_the_service_starts_even_with_sampling_off(tmp_path):
    # Given a log file older than the retention
    old = tmp_path / log_name(datetime.now(UTC) - timedelta(days=31))
    old.write_bytes(b"rows")

    # When a service that logs nothing starts and stops
    log = RequestLog(tmp_path, {}, 0.0, 10.0, retention_days=30)
    log.start()
    log.close()

    # Then the old file is gone
    assert not old.exists()


def test_a_log_without_retention_keeps_every_file(tmp_path):
    old = tmp_path / log_name(datetime(2000, 1, 1, tzinfo=UTC))
    old.write_bytes(b"rows")

    assert RequestLog(tmp_path, {}, 0.0, 10.0).prune() == []
    assert old.exists()
