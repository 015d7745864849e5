"""The template's test pyramid, a pytest plugin (tests/conftest.py loads it): every test is in
one layer (`unit` unless its module says otherwise), the files of the slowest layers start
first on the workers, and the summary says where the time went, by layer and by file.

`uv run pytest -m unit` is the fast layer alone; the layers are pyproject.toml's markers.
Files whose tests share a costly warm-up (dbt's first parse, MLflow's first store) are one
unit of work (SHARED_WARM_UP): they run on one worker, and the warm-up happens once, not on each.
"""

from collections import defaultdict

import pytest

# The layers of the pyramid, the slowest first: a test file's heaviest layer decides when its
# file starts, so the long end-to-end files do not start last on a busy worker.
LAYERS = ("e2e", "engines", "browser", "render", "unit")
RENDERS = {"render", "template_repo"}  # fixtures that render the template (tests/conftest.py)


def layers_of(item) -> list[str]:
    return sorted({marker.name for marker in item.iter_markers() if marker.name in LAYERS})


def pytest_collection_modifyitems(config, items):
    """Mark unmarked tests `unit`; refuse a test in two layers (`-m` would select it twice) or
    a `unit` test that renders; start the slowest files first (pytest-xdist hands out files in
    this order: `--no-loadscope-reorder`)."""
    problems = []
    heaviest: dict[str, int] = {}  # file -> the rank of its slowest layer
    for item in items:
        layers = layers_of(item)
        if not layers:
            item.add_marker(pytest.mark.unit)
            layers = ["unit"]
        if len(layers) > 1:
            problems.append(f"{item.nodeid} is in the layers {', '.join(layers)}: keep one")
        elif layers == ["unit"] and RENDERS & set(item.fixturenames):
            problems.append(f"{item.nodeid} renders the template: mark it `render`")
        rank = LAYERS.index(layers[0])
        heaviest[item.fspath] = min(heaviest.get(item.fspath, rank), rank)
    if problems:
        raise pytest.UsageError("\n".join(problems))
    items.sort(key=lambda item: heaviest[item.fspath])


# Files whose tests pay the same warm-up, by the name of what they share: each group runs on one
# worker, so the warm-up happens once a run instead of once on each worker.
SHARED_WARM_UP = {
    # dbt's first import and parse of a project, ~3 s
    "tests/library/sql/test_sql_build.py": "dbt",
    "tests/library/sql/test_sql_cli.py": "dbt",
    "tests/library/sql/test_sql_compile.py": "dbt",
    "tests/library/sql/test_sql_profiles.py": "dbt",
    # MLflow's first import and store, ~3 s
    "tests/library/test_registry.py": "mlflow",
    "tests/library/release/test_release_mlflow.py": "mlflow",
}


def pytest_xdist_make_scheduler(config, log):
    """`--dist=loadfile`, except that the files of one SHARED_WARM_UP group are one unit:
    each file (or group) runs on one worker, its module fixtures made once."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileOrGroupScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            return SHARED_WARM_UP.get(path, path)

    return FileOrGroupScheduling(config, log)


def pytest_report_header(config):
    """The first results of a whole run come minutes after it starts: say so, and why."""
    if config.option.markexpr.strip() == "unit":
        return None
    return [
        "the slowest files start first (they render, install and run whole projects): the first "
        "results come after a minute or two; `uv run pytest -m unit` runs the fast layer alone"
    ]


SLOWEST_FILES = 10  # listed in the summary: where a run's time goes


class TimeByLayer:
    """Each test's time (setup, call, teardown) added up by layer and by file; on the
    controller, the workers' reports arrive here too."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.tests: dict[str, int] = defaultdict(int)
        self.seconds_by_file: dict[tuple[str, str], float] = defaultdict(float)

    def pytest_runtest_logreport(self, report) -> None:
        layer = next((name for name in LAYERS if name in report.keywords), None)
        if layer is None:
            return
        self.seconds[layer] += report.duration
        self.seconds_by_file[layer, report.nodeid.split("::", 1)[0]] += report.duration
        if report.when == "call" or (report.when == "setup" and report.skipped):
            self.tests[layer] += 1

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.tests:
            return
        terminalreporter.section("time by layer (seconds of test time, all workers)")
        for layer in LAYERS:
            if self.tests.get(layer):
                terminalreporter.write_line(
                    f"{layer:<8} {self.tests[layer]:5d} tests  {self.seconds[layer]:8.1f} s"
                )
        by_time = sorted(self.seconds_by_file.items(), key=lambda entry: -entry[1])
        slowest = by_time[:SLOWEST_FILES]
        terminalreporter.write_line(f"the {len(slowest)} slowest files:")
        for (layer, path), seconds in slowest:
            terminalreporter.write_line(f"  {seconds:6.1f} s  {layer:<8} {path}")


def pytest_configure(config):
    config.pluginmanager.register(TimeByLayer(), "time-by-layer")
