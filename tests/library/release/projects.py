"""Projects with a registry of their own for the release and monitoring tests: a copy of a
trained project, the trained model and a weak one to register as the stage does, and the
command tree of the release and registry commands."""

import hashlib
import pickle
import shutil

import joblib
import pandas as pd
import typer

from ml_playbook.cli import registry as registry_commands
from ml_playbook.cli import release as release_commands
from ml_playbook.cli.common import Apps
from ml_playbook.evaluation.baseline import fit_baseline
from ml_playbook.evaluation.sets import logged_metrics, metrics_document, score_sets
from ml_playbook.modeling.metrics import CLASSIFICATION
from ml_playbook.project.paths import (
    EVALUATION_SET,
    MLFLOW_ARTIFACTS,
    MLFLOW_STORE,
    MODEL,
    TRAINING_SET,
)
from ml_playbook.registry import Candidate
from ml_playbook.registry.memory import MemoryRegistry
from ml_playbook.release.gate import flat_params
from tests.library.factory import EXTENSIONS, write_project

# Timing is not what these tests check (one test trips the limit on purpose).
QUICK_VERIFY = {"verify_latency_requests": 3, "verify_max_p99_ms": 60_000.0}


def copy_project(trained, root, registry=None, extensions=EXTENSIONS, **sections):
    """A project at `root` with `trained`'s sets and model, `sections` of params replaced,
    `registry` (default: a new in-memory one) and `extensions`."""
    registry = registry if registry is not None else MemoryRegistry()
    project = write_project(root, trained.params.task, registry, extensions, **sections)
    for path in (TRAINING_SET, EVALUATION_SET, MODEL):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(trained.root / path, root / path)
    return project


def registry_of(project):
    return project.spec.registry(project)


def trained_model(project):
    return joblib.load(project.root / MODEL)


def weak_model(project):
    """A model that learnt nothing: the base rate, or the mean."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    rows = pd.read_parquet(project.root / TRAINING_SET)
    train = project.params.train
    model = DummyClassifier() if project.params.task == CLASSIFICATION else DummyRegressor()
    return model.fit(rows[train.features], rows[train.label])


def candidate(project, model, **metrics) -> Candidate:
    """`model` with the metrics the stages record (every test set's and the baseline's; or
    `metrics` on top), as the register stage builds it."""
    frame = pd.read_parquet(project.root / EVALUATION_SET)
    return Candidate(
        model=model,
        run_name=f"{project.params.registry.model_name}-{project.params.train.model}",
        params=flat_params(project.params),
        metrics={**recorded_metrics(project, model), **metrics},
        example=frame[project.params.train.features].head(5),
        tags={"git_commit": "abc123"},
    )


# What the stages record for a model on a project's data, by what decides it (see below): the
# release tests register the same trained and weak models on copies of the same project dozens
# of times, and fitting the baseline and scoring every set costs a few tenths of a second.
_RECORDED: dict[tuple[str, str, str], dict[str, float]] = {}
# A local MLflow store changes with every registration and decides nothing measured.
REGISTRY_FILES = {MLFLOW_STORE.as_posix(), MLFLOW_ARTIFACTS.as_posix()}


def recorded_metrics(project, model) -> dict[str, float]:
    """Every test set's metrics of `model` and the baseline's, as the evaluate stage logs them;
    computed once a process for the same model, params and data (the metrics a project's own
    extensions add are computed afresh for any but the factory's)."""
    if project.spec.extensions is not EXTENSIONS:
        return _measure(project, model)
    files = hashlib.md5()  # what the project holds (its sets, wherever params.yaml puts them)
    for path in sorted(project.root.rglob("*")):
        relative = path.relative_to(project.root)
        if path.is_file() and relative.parts[0] not in REGISTRY_FILES:
            files.update(relative.as_posix().encode())
            files.update(path.read_bytes())
    key = (
        hashlib.md5(pickle.dumps(model)).hexdigest(),
        project.params.model_dump_json(),
        files.hexdigest(),
    )
    if key not in _RECORDED:
        _RECORDED[key] = _measure(project, model)
    return dict(_RECORDED[key])


def _measure(project, model) -> dict[str, float]:
    baseline = fit_baseline(project, pd.read_parquet(project.root / TRAINING_SET))
    document = metrics_document(
        score_sets(project, model), (baseline.description, score_sets(project, baseline.model))
    )
    return logged_metrics(document)


def strict(project):
    """The project with a margin no challenger can beat."""
    return project.with_params(
        registry=project.params.registry.model_copy(update={"promotion_margin": 1e6})
    )


def cli_app(spec) -> typer.Typer:
    """The release and registry commands on a root of their own, as the project's command
    tree holds them."""
    root = typer.Typer()

    @root.callback()
    def main() -> None:
        """The project's command."""

    apps = Apps(root, typer.Typer())
    release_commands.register(apps, spec)
    registry_commands.register(apps, spec)
    return root
