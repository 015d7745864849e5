"""Shared fixtures: a tagged clone of the template, rendering, and an environment that leaves nothing behind."""

from pathlib import Path

import pytest
from copier import run_copy

from devtools.template_clone import GIT_IDENTITY, make_tagged_clone, release_tag


@pytest.fixture(scope="session", autouse=True)
def isolated_tool_environment(tmp_path_factory):
    """Point every tool's global state at a temp dir and keep uv on the installed Python."""
    home = tmp_path_factory.mktemp("tool-home")
    settings = {
        **GIT_IDENTITY,
        "UV_PYTHON_DOWNLOADS": "never",
        "PRE_COMMIT_HOME": str(home / "pre-commit"),
        "DVC_NO_ANALYTICS": "1",
        "DVC_SITE_CACHE_DIR": str(home / "dvc-site"),
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "true",
        "COOKIECUTTER_CONFIG": str(home / "cookiecutter.yaml"),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.items():
            patch.setenv(name, value)
        # A uv inside `uv run` would otherwise reuse the template's own environment.
        patch.delenv("VIRTUAL_ENV", raising=False)
        # Let generated projects cache bytecode as on a user's machine: every pipeline stage
        # is a process importing pandas and scikit-learn, and recompiling them costs seconds.
        patch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
        yield


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory) -> Path:
    """The working tree, committed and tagged as the current release in a temp git repo."""
    return make_tagged_clone(tmp_path_factory.mktemp("template") / "ml-playbook")


@pytest.fixture(scope="session")
def release() -> str:
    return release_tag()


@pytest.fixture(scope="session")
def render(template_repo, tmp_path_factory):
    """Render the template with `answers` (others default) into a new folder; return the folder."""

    def _render(answers: dict | None = None, name: str = "project") -> Path:
        destination = tmp_path_factory.mktemp("render") / name
        run_copy(
            # From a git URL, as users copy from GitHub: the hook package and the hooks are
            # then pinned to that same repository (here, the local clone).
            f"git+{template_repo.as_uri()}",
            destination,
            data=answers or {},
            defaults=True,
            unsafe=False,
            quiet=True,
        )
        return destination

    return _render
