"""Which model a command means: a file, or a version of the project's registered model named any
way a person names it (champion, v1, models:/…@champion, champion@DATE), read through the
registry protocol — here an in-memory registry holding the trained model as v1, champion."""

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.evaluation.analysis import predictions
from ml_playbook.evaluation.compare import NO_EVIDENCE
from ml_playbook.evaluation.references import load, resolve
from ml_playbook.evaluation.sets import logged_metrics, metrics_document, score_sets
from ml_playbook.project.paths import MODEL
from ml_playbook.registry import CHALLENGER, Candidate, Move
from ml_playbook.registry.memory import MemoryRegistry
from ml_playbook.registry.moves import move_champion, now
from ml_playbook.stage import load_model
from tests.library.evaluation.conftest import GOLDEN, GOLDEN_SET, copy_project, golden_rows, invoke
from tests.library.factory import REGRESSION, params_dict


def move(at: str, to: str, action: str = "promote") -> Move:
    return Move(action, None, to, "tester", at, "test")


MOVES = [
    move("2025-01-10T09:00:00+00:00", "1", "auto-promote"),
    move("2025-03-05T12:00:00+00:00", "2"),
    move("2025-03-20T08:00:00+00:00", "3"),
    move("2025-04-01T10:00:00+00:00", "2", "rollback"),
]


@pytest.fixture
def recorded(project):
    """A registry holding nothing but the record of champion's moves (MOVES) of 'tiny-model'."""
    registry = MemoryRegistry()
    for moved in MOVES:
        registry.record_move(project.params.registry.model_name, moved)
    return project, registry


@pytest.fixture
def registered(trained_project, tmp_path, monkeypatch):
    """A copy of the trained project whose registry holds its model as v1, champion since now
    (and its metrics, as `register` logs them)."""
    registry = MemoryRegistry()
    sets = [*params_dict(trained_project.params.task)["test_sets"], GOLDEN_SET]
    project = copy_project(trained_project, tmp_path / "copy", registry=registry, test_sets=sets)
    golden_rows(project)
    model = load_model(project.root)
    document = metrics_document(score_sets(project, model))
    name = project.params.registry.model_name
    version = registry.register(name, Candidate(model, "run", metrics=logged_metrics(document)))
    move_champion(registry, name, Move("auto-promote", None, version.version, "ci", now(), "first"))
    monkeypatch.chdir(project.root)
    return project, document


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        ("v3", "models:/tiny-model/3"),
        ("3", "models:/tiny-model/3"),
        ("v03", "models:/tiny-model/3"),
        ("champion", "models:/tiny-model@champion"),
        ("challenger", "models:/tiny-model@challenger"),
        ("models:/other/7", "models:/other/7"),
        ("runs:/abc/model", "runs:/abc/model"),
        ("champion@2025-03-31", "models:/tiny-model/3"),
        ("champion@2025-03-05T11:00", "models:/tiny-model/1"),
        ("champion@2026-01-01", "models:/tiny-model/2"),  # after the rollback
        ("  v3 ", "models:/tiny-model/3"),
    ],
)
def test_references_resolve_to_registry_addresses(recorded, text, uri):
    project, registry = recorded

    assert resolve(project, text, registry).uri == uri


def test_a_model_file_resolves_to_its_path(trained_project):
    reference = resolve(trained_project, MODEL.as_posix())

    assert reference.path == (trained_project.root / MODEL).resolve()
    assert reference.label == MODEL.as_posix()


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("champion@2024-12-31", "'tiny-model' had no champion on 2024-12-31: the first recorded"),
        ("champion@last-spring", "is not a date"),
        ("challenger@2025-03-31", "only champion"),
        ("no such/model.joblib", "no such model file"),
        ("old.joblib", "no such model file"),
        ("champ ion", "is not a model file"),
        ("", "an empty model reference"),
    ],
)
def test_a_reference_that_cannot_resolve_says_why(recorded, text, complaint):
    project, registry = recorded

    with pytest.raises(ProjectError, match=complaint):
        resolve(project, text, registry)


def test_a_dated_champion_before_any_move_says_none_is_recorded(project):
    with pytest.raises(ProjectError, match="no move is recorded yet"):
        resolve(project, "champion@2025-01-01", MemoryRegistry())


@pytest.fixture
def task() -> str:
    """References do not depend on the task: one is enough (regression: its metrics cost
    least in the comparisons)."""
    return REGRESSION


@pytest.mark.parametrize(
    "reference",
    ["champion", "v1", "1", "models:/{name}@champion", "models:/{name}/1", "champion@{today}"],
)
def test_every_way_of_naming_the_registered_version_loads_the_same_model(registered, reference):
    project, _ = registered
    text = reference.format(
        name=project.params.registry.model_name, today=datetime.now(UTC).date().isoformat()
    )
    rows = pd.read_csv(project.root / GOLDEN)

    from_file = predictions(project, load(project, MODEL.as_posix()).model, rows)
    from_registry = predictions(project, load(project, text).model, rows)

    assert from_registry["prediction"].tolist() == pytest.approx(from_file["prediction"].tolist())


def test_predict_takes_a_registry_reference_and_names_it_in_the_report(registered, tmp_path):
    project, _ = registered
    text = f"champion@{datetime.now(UTC).date().isoformat()}"

    result = invoke(project, "predict", GOLDEN, "--model", text, "--output", tmp_path / "out.csv")

    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(tmp_path / "out.csv")) == len(pd.read_csv(project.root / GOLDEN))
    page = (project.root / "reports/analysis/predictions/index.html").read_text()
    assert f"Predictions of {text} (models:/tiny-model/1)" in page


def test_score_and_explain_take_a_registry_reference(registered):
    project, document = registered
    metric = project.params.evaluate.primary_metric
    name = project.params.registry.model_name

    scored = invoke(project, "score", GOLDEN, "--model", "champion")
    explained = invoke(project, "explain", GOLDEN, "--model", f"models:/{name}/1", "--top", "2")

    assert scored.exit_code == 0, scored.output
    line = next(
        line for line in scored.output.splitlines() if line.strip().startswith(f"{metric}:")
    )
    assert float(line.split(":")[1]) == pytest.approx(document["sets"]["golden"][metric], abs=1e-4)
    assert explained.exit_code == 0, explained.output
    assert "permutation importance" in explained.output


def test_the_champion_compared_with_itself_and_its_file_differs_by_nothing(registered):
    project, document = registered
    metric = project.params.evaluate.primary_metric

    result = invoke(
        project, "eval", "compare", "champion", "champion", "v1", MODEL, "--resamples", "50"
    )

    assert result.exit_code == 0, result.output
    rows = json.loads((project.root / "reports/analysis/compare/comparison.json").read_text())
    assert len(rows) == 3 * len(document["sets"])  # three candidates, each on every test set
    for row in rows:
        assert (row["delta"], row["low"], row["high"]) == (0, 0, 0), row
        assert row["verdict"] == NO_EVIDENCE
        assert row["baseline"] == pytest.approx(document["sets"][row["test_set"]][metric])


@pytest.mark.parametrize(
    ("reference", "start"),
    [
        ("v99", "error: cannot load v99 (models:/tiny-model/99): "),
        (CHALLENGER, "error: cannot load challenger (models:/tiny-model@challenger): no version"),
        ("runs:/abc/model", "error: cannot load runs:/abc/model: "),
    ],
)
def test_a_reference_the_registry_does_not_have_is_a_one_line_error(registered, reference, start):
    project, _ = registered

    result = invoke(project, "predict", GOLDEN, "--model", reference)

    assert result.exit_code == 1
    assert result.output.startswith(start), result.output
    assert len(result.output.strip().splitlines()) == 1


def test_loading_a_version_gives_the_registered_model(registered):
    project, _ = registered

    loaded = load(project, "v1")

    assert loaded.reference.label == "v1 (models:/tiny-model/1)"
    assert type(loaded.model) is type(load_model(project.root))
