"""Fixtures of the release tests."""

import pytest

from ml_playbook.release.gate import register
from tests.library.release.projects import (
    QUICK_VERIFY,
    candidate,
    copy_project,
    trained_model,
    weak_model,
)


@pytest.fixture
def released(trained_project, tmp_path):
    """A project whose registry holds v1 (the trained model, champion, auto-promoted by
    `register`) and v2 (a weak model, challenger only)."""
    project = copy_project(trained_project, tmp_path / "released", release=QUICK_VERIFY)
    register(project, candidate(project, trained_model(project)))
    register(project, candidate(project, weak_model(project)))
    return project
