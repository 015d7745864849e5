"""Fixtures of the governance tests."""

from pathlib import Path

import pytest

from tests.library.governance.governance_factory import write_governed


@pytest.fixture
def governed(tmp_path) -> Path:
    """A project folder whose sources are declared and approved, with clean sets."""
    return write_governed(tmp_path / "project")
