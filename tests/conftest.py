"""Shared fixtures: a tagged clone of the template, rendering, and an environment that leaves
nothing behind; and the test pyramid: every test in one layer, the slowest files first on the
workers, the time of each layer in the summary."""

import json
import os
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from copier import run_copy

from devtools.answers import plain_template
from devtools.jinja_cache import share_compiled_templates
from devtools.template_clone import GIT_IDENTITY, make_tagged_clone, release_tag

# Cache bytecode, as on a user's machine, in this process, the workers and every process they
# start: where PYTHONDONTWRITEBYTECODE is set (as on this kind of machine), each worker, each
# generated project's stage and each child would otherwise compile pandas, scikit-learn, dbt and
# MLflow from source again — seconds a process (10 s to import them cold, 4 s warm).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# Every copy, update and check in this process compiles the template's Jinja once, not once a
# Worker: half of each render's time. Copier in its own process (the README's command) does not.
share_compiled_templates()


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


# The layers of the pyramid, the slowest first: a test file's heaviest layer decides when its
# file starts, so the long end-to-end files do not start last on a busy worker.
LAYERS = ("e2e", "engines", "browser", "render", "unit")
RENDERS = {"render", "template_repo"}  # fixtures that render the template


def layers_of(item) -> list[str]:
    return sorted({marker.name for marker in item.iter_markers() if marker.name in LAYERS})


def pytest_collection_modifyitems(config, items):
    """Mark unmarked tests `unit`; refuse a test in two layers (`-m` would select it twice) or
    a `unit` test that renders; start the slowest files first (pytest-xdist hands out files in
    this order: `--no-loadscope-reorder`)."""
    problems = []
    for item in items:
        layers = layers_of(item)
        if not layers:
            item.add_marker(pytest.mark.unit)
            layers = ["unit"]
        if len(layers) > 1:
            problems.append(f"{item.nodeid} is in the layers {', '.join(layers)}: keep one")
        elif layers == ["unit"] and RENDERS & set(item.fixturenames):
            problems.append(f"{item.nodeid} renders the template: mark it `render`")
    if problems:
        raise pytest.UsageError("\n".join(problems))
    heaviest: dict[str, int] = {}
    for item in items:
        rank = LAYERS.index(layers_of(item)[0])
        heaviest[item.fspath] = min(heaviest.get(item.fspath, rank), rank)
    items.sort(key=lambda item: heaviest[item.fspath])


def pytest_report_header(config):
    """The first results of a whole run come minutes after it starts: say so, and why."""
    if config.option.markexpr.strip() == "unit":
        return None
    return [
        "the slowest files start first (they render, install and run whole projects): the first "
        "results come after a minute or two; `uv run pytest -m unit` runs the fast layer alone"
    ]


_seconds_by_layer: dict[str, float] = defaultdict(float)
_tests_by_layer: dict[str, int] = defaultdict(int)


def pytest_runtest_logreport(report):
    """Add up each test's time (setup, call, teardown) by layer, on the controller too."""
    layer = next((name for name in LAYERS if name in report.keywords), None)
    if layer is None:
        return
    _seconds_by_layer[layer] += report.duration
    if report.when == "call" or (report.when == "setup" and report.skipped):
        _tests_by_layer[layer] += 1


def pytest_terminal_summary(terminalreporter):
    if not _tests_by_layer:
        return
    terminalreporter.section("time by layer (seconds of test time, all workers)")
    for layer in LAYERS:
        if _tests_by_layer.get(layer):
            terminalreporter.write_line(
                f"{layer:<8} {_tests_by_layer[layer]:5d} tests  {_seconds_by_layer[layer]:8.1f} s"
            )
