"""Fixtures of the library's unit tests, on the small projects of factory.py."""

import shutil

import pytest

from ml_playbook.project.paths import MLFLOW_STORE
from tests.library.factory import (
    CLASSIFICATION,
    REGRESSION,
    train,
    write_project,
    write_sets,
)


@pytest.fixture(params=[CLASSIFICATION, REGRESSION])
def task(request) -> str:
    return request.param


@pytest.fixture
def project(tmp_path):
    """A classification project with nothing but its params."""
    return write_project(tmp_path / "project")


@pytest.fixture(scope="session")
def _trained_projects(tmp_path_factory) -> dict:
    """One trained project per task, made once a session (read only: copy to change)."""
    made = {}
    for task_name in (CLASSIFICATION, REGRESSION):
        built = write_project(tmp_path_factory.mktemp(task_name) / "project", task_name)
        write_sets(built)
        train(built)
        made[task_name] = built
    return made


@pytest.fixture
def trained_project(_trained_projects, task):
    """A project of each task with its sets and a trained model (shared: do not change it)."""
    return _trained_projects[task]


@pytest.fixture(scope="session")
def new_mlflow_store(tmp_path_factory):
    """A function that gives a project folder (made if missing) an empty MLflow store, as
    MLflow makes one on first use: its tables are made once a session (MLflow's migrations
    cost seconds a store) and the file copied for each project."""
    from mlflow.tracking import MlflowClient

    folder = tmp_path_factory.mktemp("mlflow-store")
    template = folder / MLFLOW_STORE
    uri = f"sqlite:///{template}"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)  # anything MLflow writes beside the store stays in this folder
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        client.search_experiments()  # makes the tracking tables
        client.search_registered_models()  # and the registry's (the same database)

    def seed(root):
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy(template, root / MLFLOW_STORE)
        return root

    return seed
