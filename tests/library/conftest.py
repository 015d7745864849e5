"""Fixtures of the library's unit tests, on the small projects of factory.py."""

import pytest

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
