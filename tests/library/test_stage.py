"""A stage's outputs move into place only when the stage succeeds: a failure leaves the
previous outputs byte for byte, an empty table is an error, and a declared output the stage
did not write replaces nothing."""

from pathlib import Path

import pandas as pd
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.stage import STAGING_PREFIX, Stage, outputs

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
