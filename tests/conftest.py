"""Shared fixtures: a tagged clone of the template, rendering, and an environment that leaves
nothing behind. The test pyramid (every test in one layer, the slowest files first on the
workers, the time of each layer in the summary) is the plugin devtools/pyramid.py."""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from copier import run_copy

from devtools.answers import plain_template
from devtools.file_mode_setting import read_file_mode_once
from devtools.jinja_cache import share_compiled_templates
from devtools.lent_bytecode import compile_stack_once, lend_bytecode
from devtools.memory_temp import install_temp, use_memory_for_temp
from devtools.template_clone import GIT_IDENTITY, make_tagged_clone, release_tag

pytest_plugins = ["devtools.pyramid", "devtools.collector", "devtools.old_runs"]

# Cache bytecode, as on a user's machine, in this process, the workers and every process they
# start: where PYTHONDONTWRITEBYTECODE is set (as on this kind of machine), each worker, each
# generated project's stage and each child would otherwise compile pandas, scikit-learn, dbt and
# MLflow from source again — seconds a process (10 s to import them cold, 4 s warm).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# Temporary files in memory when the machine has room (devtools/memory_temp.py): set here, in
# the first process, before any temporary folder is made; the workers inherit it.
use_memory_for_temp()

# Every copy, update and check in this process compiles the template's Jinja once, not once a
# Worker: half of each render's time. Copier in its own process (the README's command) does not.
share_compiled_templates()
# Copier asks git for core.fileMode once a file it writes (~780 processes an update): once a render.
read_file_mode_once()


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
        # copier keeps a mirror of each git template it copies from: one a template clone,
        # ~2.5 MB each, which would pile up in the user's cache run after run.
        "COPIER_CACHE_DIR": str(home / "copier"),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings.items():
            patch.setenv(name, value)
        # A uv inside `uv run` would otherwise reuse the template's own environment.
        patch.delenv("VIRTUAL_ENV", raising=False)
        yield


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory) -> Path:
    """The working tree, committed and tagged as the current release in a temp git repo."""
    return make_tagged_clone(tmp_path_factory.mktemp("template") / "ml-playbook")


@pytest.fixture(scope="session")
def template_folder(tmp_path_factory) -> Path:
    """The working tree as a plain folder, without .git: copier reads it without cloning, so
    checking an answer (devtools.answers.asked) takes milliseconds."""
    return plain_template(tmp_path_factory.mktemp("plain") / "ml-playbook")


@pytest.fixture(scope="session")
def release() -> str:
    return release_tag()


@pytest.fixture(scope="session")
def render(template_repo, tmp_path_factory):
    """Render the template with `answers` (others default) into a new folder; return the folder.

    Each answer set is rendered once a session (a worker's) and copied for every caller, so a
    test may change its project freely.
    """
    rendered: dict[str, Path] = {}

    def _render(answers: dict | None = None, name: str = "project") -> Path:
        key = json.dumps(answers or {}, sort_keys=True)
        if key not in rendered:
            source = tmp_path_factory.mktemp("rendered") / "project"
            run_copy(
                # From a git URL, as users copy from GitHub: the hook package and the hooks
                # are then pinned to that same repository (here, the local clone).
                f"git+{template_repo.as_uri()}",
                source,
                data=answers or {},
                defaults=True,
                unsafe=False,
                quiet=True,
            )
            rendered[key] = source
        destination = tmp_path_factory.mktemp("render") / name
        return shutil.copytree(rendered[key], destination, symlinks=True)

    return _render


@pytest.fixture(scope="session")
def install_folder():
    """`install_folder(name)`: a new folder for a project the test installs with uv, on the
    disk's temporary folder when the others are in memory (devtools/memory_temp.py), so uv links
    the packages from its cache. Deleted in the background when the session ends."""
    root = Path(tempfile.mkdtemp(prefix="ml-playbook-installs-", dir=install_temp()))

    def make(name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root))

    yield make
    from devtools.old_runs import delete_detached  # a plugin: imported once pytest loaded it

    delete_detached(root)


@pytest.fixture(scope="session")
def bytecode_for(tmp_path_factory, install_folder):
    """`bytecode_for(environment)`: the variables that lend this environment's bytecode to a
    project's virtual environment (devtools/lent_bytecode.py), for tests that install a
    project and run its commands. The stack is compiled once a run, when first lent. The
    bytecode is linked beside the installs: the disk, as this environment (a copy into memory
    takes 2.3 s, links 0.3 s)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    prefix = install_folder("bytecode")

    def lend(environment: Path) -> dict[str, str]:
        compile_stack_once(shared)
        return lend_bytecode(environment, prefix)

    return lend
