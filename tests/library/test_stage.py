"""A stage's outputs move into place only when the stage succeeds: a failure leaves the
previous outputs byte for byte, an empty table is an error, and a declared output the stage
did not write replaces nothing."""

from pathlib import Path

import pandas as pd
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.stage import STAGING_PREFIX, Stage, outputs, read_table

FOLDER, FILE = Path("data/processed"), Path("reports/metrics.json")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def previous(tmp_path) -> Path:
    """A project whose last run wrote a folder of two tables and a metrics file."""
    with outputs(tmp_path, FOLDER, FILE) as out:
        out.parquet(FOLDER / "set_train.parquet", pd.DataFrame({"x": [1, 2]}))
        out.parquet(FOLDER / "set_eval.parquet", pd.DataFrame({"x": [3]}))
        out.json(FILE, {"auc": 0.7})
    return tmp_path


def test_a_successful_stage_replaces_its_outputs_whole(previous):
    with outputs(previous, FOLDER, FILE) as out:
        out.parquet(FOLDER / "set_train.parquet", pd.DataFrame({"x": [9]}))
        out.json(FILE, {"auc": 0.8})

    assert sorted(p.name for p in (previous / FOLDER).iterdir()) == ["set_train.parquet"]
    assert pd.read_parquet(previous / FOLDER / "set_train.parquet")["x"].tolist() == [9]
    assert not list(previous.glob(f"{STAGING_PREFIX}*"))


def test_a_stage_that_fails_after_writing_leaves_the_previous_outputs_byte_identical(previous):
    before = snapshot(previous)

    with pytest.raises(ProjectError), outputs(previous, FOLDER, FILE) as out:
        out.parquet(FOLDER / "set_train.parquet", pd.DataFrame({"x": [0]}))
        out.json(FILE, {"auc": 0.1})
        raise ProjectError("a check failed after the outputs were written")

    assert snapshot(previous) == before


def test_an_empty_table_is_an_error_and_replaces_nothing(previous):
    before = snapshot(previous)

    empty = pd.DataFrame({"x": []})
    with (
        pytest.raises(ProjectError, match="would have no rows: check split.eval_from_month"),
        outputs(previous, FOLDER) as out,
    ):
        out.parquet(FOLDER / "set_eval.parquet", empty, "check split.eval_from_month")

    assert snapshot(previous) == before


def test_a_declared_output_left_unwritten_replaces_nothing(previous):
    before = snapshot(previous)

    with (
        pytest.raises(ProjectError, match="the stage wrote no reports/metrics.json"),
        outputs(previous, FOLDER, FILE) as out,
    ):
        out.parquet(FOLDER / "set_train.parquet", pd.DataFrame({"x": [5]}))

    assert snapshot(previous) == before


def test_a_stage_may_write_only_what_it_declares(tmp_path):
    with (
        pytest.raises(ValueError, match="not an output this stage declares"),
        outputs(tmp_path, FILE) as out,
    ):
        out.path("models/model.joblib")


def test_a_stage_names_its_command_and_takes_its_help_from_its_docstring():
    def run(project) -> None:
        """Run the SQL set models.

        More than the first paragraph is not shown."""

    stage = Stage("split", run, group="data")

    assert stage.command == "data split"
    assert stage.summary == "Run the SQL set models."
    assert Stage("train", run).command == "train"


def test_a_model_file_that_does_not_load_or_holds_no_model_is_one_line(tmp_path):
    import joblib

    from ml_playbook.stage import load_model

    (tmp_path / "broken.joblib").write_bytes(b"not a pickle at all")
    joblib.dump({"weights": [1, 2]}, tmp_path / "dict.joblib")

    with pytest.raises(ProjectError) as broken:
        load_model(tmp_path, Path("broken.joblib"))
    with pytest.raises(ProjectError, match="holds a dict, not a model with predict"):
        load_model(tmp_path, Path("dict.joblib"))

    assert broken.value.problems[0].startswith("broken.joblib does not load as a model (")
    assert "\n" not in str(broken.value)


def test_a_broken_table_or_json_the_pipeline_wrote_names_the_stage_that_remakes_it(tmp_path):
    from ml_playbook.stage import read_json, read_parquet

    (tmp_path / "set_train.parquet").write_bytes(b"PAR1 truncated")
    (tmp_path / "metrics.json").write_text("{not json")

    with pytest.raises(
        ProjectError, match=r"set_train.parquet cannot be read as Parquet .*--force split`$"
    ):
        read_parquet(tmp_path, Path("set_train.parquet"), "split")
    with pytest.raises(
        ProjectError, match=r"metrics.json is not readable JSON .*--force evaluate`$"
    ):
        read_json(tmp_path, Path("metrics.json"), "evaluate")


def test_a_table_with_a_column_written_twice_is_refused_not_renamed(tmp_path):
    # DuckDB would read the second `plan` as `plan_1`: two versions of one column, silently
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(
        pa.table([["basic"], ["premium"]], names=["plan", "plan"]), tmp_path / "t.parquet"
    )
    (tmp_path / "t.csv").write_text("plan,country,plan\nbasic,KR,premium\n")

    for name in ("t.parquet", "t.csv"):
        with pytest.raises(ProjectError, match=r"the column\(s\) plan appear more than once"):
            read_table(tmp_path / name)


def test_tables_read_from_several_threads_at_once_each_come_back_whole(tmp_path):
    # The reads share one in-memory DuckDB (opening one costs more than a small read): each
    # thread must still get its own file's rows, in full.
    from concurrent.futures import ThreadPoolExecutor

    frames = {
        f"t{i}.{suffix}": pd.DataFrame({"n": range(i * 50, i * 50 + 200), "tag": f"t{i}"})
        for i, suffix in enumerate(["csv", "parquet"] * 4)
    }
    for name, frame in frames.items():
        path = tmp_path / name
        if path.suffix == ".csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path)

    with ThreadPoolExecutor(max_workers=4) as pool:
        tables = pool.map(lambda name: read_table(tmp_path / name), frames)
        read = dict(zip(frames, tables, strict=True))

    for name, frame in frames.items():
        pd.testing.assert_frame_equal(read[name], frame, check_dtype=False)
