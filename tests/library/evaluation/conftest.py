"""Fixtures of the evaluation and model tests: the session's trained projects scored, copied
where a test writes reports, and the `eval` and model commands on a project's spec."""

import copy
import shutil
from dataclasses import replace

import pytest
import typer
from typer.testing import CliRunner

from ml_playbook.cli import evaluation, model
from ml_playbook.cli.common import Apps
from ml_playbook.evaluation.sets import score_sets
from ml_playbook.project.paths import EVALUATION_SET
from ml_playbook.registry.memory import MemoryRegistry
from ml_playbook.stage import load_model
from tests.library.factory import CLASSIFICATION, REGRESSION, params_dict

# A command's own logic is the same for both tasks: its test runs on one (a report's figures
# take a fraction of a second each), the functions beneath it on both.
ON_CLASSIFICATION = pytest.mark.parametrize("task", [CLASSIFICATION])
ON_REGRESSION = pytest.mark.parametrize("task", [REGRESSION])
GOLDEN = "data/samples/golden.csv"
GOLDEN_SET = {"name": "golden", "file": GOLDEN, "slices": ["plan"], "owner": "ds"}


def app_of(spec) -> typer.Typer:
    """A command tree with the `eval` group and the model commands of `spec`."""
    root, data = typer.Typer(), typer.Typer()
    root.add_typer(data, name="data")
    apps = Apps(root, data)
    evaluation.register(apps, spec)
    model.register(apps, spec)
    return root


def invoke(project, *arguments: str, spec=None):
    """Run a command in the project's folder (the caller chdirs with monkeypatch)."""
    return CliRunner().invoke(app_of(spec or project.spec), [str(a) for a in arguments])


def copy_project(source, root, registry=None, **sections):
    """A copy of `source`'s folder (sets, model) at `root` with its own registry and, where
    given, params.yaml sections replaced."""
    import yaml

    shutil.copytree(source.root, root)
    if sections:
        settings = params_dict(source.params.task) | sections
        (root / "params.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    registry = registry if registry is not None else MemoryRegistry()
    spec = replace(source.spec, registry=lambda project: registry)
    return spec.load(root)


def golden_rows(project, rows: int = 40):
    """Hand-made examples with known answers: the first rows of the evaluation set."""
    import pandas as pd

    frame = pd.read_parquet(project.root / EVALUATION_SET).head(rows)
    (project.root / GOLDEN).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(project.root / GOLDEN, index=False)
    return frame


@pytest.fixture(scope="session")
def _loaded() -> dict:
    """Each task's trained model and its scores, loaded and computed once a session."""
    return {}


@pytest.fixture
def model_of(trained_project, _loaded):
    """The trained model (shared by the session's tests: nothing in the library changes a
    model it is handed; fitting is done on clones)."""
    key = ("model", trained_project.params.task)
    if key not in _loaded:
        _loaded[key] = load_model(trained_project.root)
    return _loaded[key]


@pytest.fixture
def scored(trained_project, model_of, _loaded):
    """The trained model's scores on every test set (the primary: the evaluation set); a copy
    for each test, which may change what it is given."""
    key = ("scored", trained_project.params.task)
    if key not in _loaded:
        _loaded[key] = score_sets(trained_project, model_of)
    return copy.deepcopy(_loaded[key])


@pytest.fixture
def writable(trained_project, tmp_path, monkeypatch):
    """A copy of the trained project a test may write to, as the working directory."""
    project = copy_project(trained_project, tmp_path / "copy")
    monkeypatch.chdir(project.root)
    return project


@pytest.fixture
def two_sets(trained_project, tmp_path, monkeypatch):
    """A copy of the trained project with a second, hand-made test set (golden, a CSV file)."""
    sets = [*params_dict(trained_project.params.task)["test_sets"], GOLDEN_SET]
    project = copy_project(trained_project, tmp_path / "copy", test_sets=sets)
    golden_rows(project)
    monkeypatch.chdir(project.root)
    return project
