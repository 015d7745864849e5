"""Both registries keep the protocol alike: what the machinery registers, aliases, loads and
records reads back the same from MLflow's store as from memory. MLflow's store is made once a
module (a registration costs seconds); the memory one is new for every test."""

import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from ml_playbook.registry import CHAMPION, Candidate, Move, Registry, RegistryError
from ml_playbook.registry.memory import MemoryRegistry
from ml_playbook.registry.mlflow import MlflowRegistry
from ml_playbook.registry.moves import (
    champion_on,
    move_champion,
    parse_moment,
    previous_champion,
)
from tests.library.factory import feature_table


def tiny_model():
    from sklearn.linear_model import LogisticRegression

    frame = feature_table(customers=60, months=2)
    features = frame[["monthly_fee", "sessions_window"]].astype(float)
    return LogisticRegression().fit(features, frame["churned"]), features.head(3)


@pytest.fixture(scope="module")
def registered_in_mlflow(tmp_path_factory, new_mlflow_store):
    """An MLflow store with two versions of 'm' (registered once for the module)."""
    root = new_mlflow_store(tmp_path_factory.mktemp("mlflow"))
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    registry = MlflowRegistry(root)
    model, example = tiny_model()
    with said_on_stderr() as said:  # what a pipeline's `register` step would print
        for number in (1, 2):
            registry.register("m", candidate(model, example, number))
    registry.said_while_registering = said[0]
    return registry


@contextmanager
def said_on_stderr() -> Iterator[list[str]]:
    """Everything written to file descriptor 2 meanwhile (print, logging, C libraries alike):
    the list yielded holds it once the block ends."""
    said: list[str] = []
    kept = os.dup(2)
    with tempfile.TemporaryFile("w+") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield said
        finally:
            sys.stderr.flush()
            os.dup2(kept, 2)
            os.close(kept)
            capture.seek(0)
            said.append(capture.read())


def candidate(model, example, number: int) -> Candidate:
    return Candidate(
        model=model,
        run_name=f"run-{number}",
        params={"train.model": "linear", "seed": "42"},
        metrics={"roc_auc": 0.5 + number / 10},
        example=example,
        tags={"git_commit": f"c{number}"},
    )


@pytest.fixture
def registered_in_memory():
    registry = MemoryRegistry()
    model, example = tiny_model()
    for number in (1, 2):
        registry.register("m", candidate(model, example, number))
    return registry


@pytest.fixture(params=["memory", "mlflow"])
def registry(request) -> Registry:
    return request.getfixturevalue(f"registered_in_{request.param}")


def test_versions_read_back_newest_first_with_their_runs_metrics(registry):
    versions = registry.versions("m")

    assert [v.version for v in versions] == ["2", "1"]
    assert versions[0].metrics["roc_auc"] == pytest.approx(0.7)
    assert versions[0].created_at.tzinfo is not None
    assert registry.version("m", "1").run_id == versions[1].run_id


def test_an_alias_points_at_a_version_and_loads_it(registry):
    registry.set_alias("m", "challenger", "2")

    assert registry.alias("m", "challenger") == "2"
    assert "challenger" in registry.version("m", "2").aliases
    model = registry.load("m", "2")
    assert model.predict_proba(tiny_model()[1]).shape == (3, 2)
    assert registry.load_uri("models:/m@challenger").coef_.shape == model.coef_.shape


def test_what_is_not_there_reads_as_none_or_a_one_line_error(registry):
    assert registry.alias("m", "nowhere") is None
    assert registry.alias("no-such-model", CHAMPION) is None
    assert registry.versions("no-such-model") == []
    assert registry.moves("no-such-model") == []
    with pytest.raises(RegistryError, match="'m' has no version 99"):
        registry.version("m", "99")


def test_champion_moves_are_recorded_in_order(registry):
    before = len(registry.moves("m"))
    first = Move("promote", None, "1", "ann", "2025-01-01T00:00:00+00:00", "first")
    second = Move("promote", "1", "2", "bob", "2025-02-01T00:00:00+00:00", "better")

    move_champion(registry, "m", first)
    move_champion(registry, "m", second)

    assert registry.alias("m", CHAMPION) == "2"
    assert registry.moves("m")[before:] == [first, second]


def test_runs_carry_params_metrics_and_tags(registry):
    runs = registry.runs("m")

    assert len(runs) == 2
    assert runs[0].started_at <= runs[1].started_at
    assert runs[1].params["train.model"] == "linear"
    assert runs[1].tags["git_commit"] == "c2"
    assert runs[1].metrics["roc_auc"] == pytest.approx(0.7)


def test_a_file_is_attached_to_a_versions_run(registry, tmp_path):
    card = tmp_path / "card.md"
    card.write_text("# model card\n")

    registry.attach("m", "1", card, "release")  # then: no error, and (memory) it is listed

    if isinstance(registry, MemoryRegistry):
        assert registry.attached[("m", "1")] == [("release", card)]


def test_a_corrupt_local_store_is_one_line_naming_it(tmp_path):
    (tmp_path / "mlflow.db").write_bytes(os.urandom(4096))
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    broken = MlflowRegistry(tmp_path)

    with pytest.raises(RegistryError) as caught:
        broken.versions("m")

    assert "mlflow.db" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "what"), [(b"", "is empty"), (b"not a database" * 100, "is not an SQLite database")]
)
def test_a_broken_local_store_is_named_with_what_to_do_for_every_reading(tmp_path, content, what):
    store = tmp_path / "mlflow.db"
    store.write_bytes(content)
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    broken = MlflowRegistry(tmp_path)
    expected = (
        f"the registry database {store} {what}: restore it from a backup, or move it aside and "
        "run `make pipeline` to start a new registry"
    )

    for read in (lambda: broken.alias("m", CHAMPION), lambda: broken.load("m", "1")):
        with pytest.raises(RegistryError) as caught:
            read()
        assert str(caught.value) == expected  # never "no alias: run make pipeline"
    assert store.read_bytes() == content  # MLflow did not make it a new, empty store


def test_a_version_whose_files_are_missing_says_where_and_what_to_do(registered_in_mlflow):
    import shutil
    from pathlib import Path

    root = Path(registered_in_mlflow.uri.removeprefix("sqlite:///")).parent
    files = [p for p in (root / "mlruns" / "models").iterdir() if p.is_dir()]
    aside = root / "aside"
    aside.mkdir()
    for folder in files:
        shutil.move(folder, aside / folder.name)
    try:
        with pytest.raises(RegistryError) as caught:
            registered_in_mlflow.load("m", "2")
    finally:
        for folder in files:
            shutil.move(aside / folder.name, folder)

    message = str(caught.value)
    assert message.startswith("models:/m/2: its files are missing from the registry's artifact")
    assert f"{root}/mlruns/models/m-" in message
    assert message.endswith(
        "restore them, or point the alias at a version that loads (`release rollback`; "
        "`make registry` lists them)"
    )
    assert "No such artifact" not in message


def test_the_local_store_revision_changes_when_an_alias_moves(registered_in_mlflow):
    before = registered_in_mlflow.revision()

    registered_in_mlflow.set_alias("m", "staging", "1")

    assert registered_in_mlflow.revision() != before
    assert MlflowRegistry(registered_in_mlflow.root, "http://127.0.0.1:5000").revision() is None


def test_registering_on_mlflow_says_nothing(registered_in_mlflow):
    # no pip warning, no "Created version 2", no uv project detected: the stage says what it did
    assert registered_in_mlflow.said_while_registering == ""


def test_the_local_store_is_local_and_a_server_is_not(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert MlflowRegistry(tmp_path).local is True
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "https://mlflow.example.org")
    assert MlflowRegistry(tmp_path).local is False


def test_the_store_is_a_sqlite_file_beside_the_project(registered_in_mlflow):
    path = registered_in_mlflow.uri.removeprefix("sqlite:///")

    with sqlite3.connect(path) as connection:
        assert connection.execute("select count(*) from registered_models").fetchone() == (1,)


def test_rolling_back_twice_goes_two_champions_back():
    history = [
        Move("promote", None, "1", "a", "2025-01-01T00:00:00+00:00", ""),
        Move("promote", "1", "2", "a", "2025-02-01T00:00:00+00:00", ""),
        Move("promote", "2", "3", "a", "2025-03-01T00:00:00+00:00", ""),
        Move("rollback", "3", "2", "a", "2025-03-02T00:00:00+00:00", ""),
    ]

    assert previous_champion(history) == "1"
    assert champion_on(history, parse_moment("2025-02-15")) == "2"
    assert champion_on(history, parse_moment("2024-12-31")) is None
    assert parse_moment("2025-02-15", end_of_day=False) == datetime(2025, 2, 15, tzinfo=UTC)


def test_mlflow_reads_only_its_numbered_move_tags(registered_in_mlflow):
    from mlflow.tracking import MlflowClient

    client = MlflowClient(registered_in_mlflow.uri, registered_in_mlflow.uri)
    before = registered_in_mlflow.moves("m")
    client.set_registered_model_tag("m", "release.note", "kept for the audit")
    client.set_registered_model_tag("m", "team", "retention")

    assert registered_in_mlflow.moves("m") == before
