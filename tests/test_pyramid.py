"""The test pyramid plugin (devtools/pyramid.py), on small suites run in this process: every
test in one layer, the slow layers' files first, and the summary of where the time went."""

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

UNIT_FILE = """
def test_quick():
    pass
"""
E2E_FILE = """
import time
import pytest

pytestmark = pytest.mark.e2e

def test_slow():
    time.sleep(0.2)
"""


def run(pytester, *arguments):
    return pytester.runpytest_inprocess(
        "-p", "devtools.pyramid", "-p", "no:cacheprovider", *arguments
    )


def test_unmarked_tests_are_unit_and_the_slowest_layer_runs_first(pytester):
    # given a unit file collected before an end-to-end one
    pytester.makepyfile(test_a_unit=UNIT_FILE, test_b_e2e=E2E_FILE)

    # when the suite runs
    result = run(pytester, "-v")

    # then the end-to-end file ran first, and `-m unit` selects the unmarked test alone
    ran = [line for line in result.outlines if " PASSED" in line]
    assert ran[0].startswith("test_b_e2e.py::test_slow")
    assert run(pytester, "-m", "unit").parseoutcomes() == {"passed": 1, "deselected": 1}


def test_the_summary_gives_the_time_of_each_layer_and_the_slowest_files(pytester):
    pytester.makepyfile(test_a_unit=UNIT_FILE, test_b_e2e=E2E_FILE)

    result = run(pytester)

    heading = next(line for line in result.outlines if "time by layer" in line)
    summary = result.outlines[result.outlines.index(heading) :]
    e2e = next(line for line in summary if line.startswith("e2e"))
    assert e2e.split()[1:3] == ["1", "tests"] and float(e2e.split()[3]) >= 0.2
    assert next(line for line in summary if line.startswith("unit")).split()[1] == "1"
    files = summary[summary.index("the 2 slowest files:") + 1 :][:2]
    assert [line.split()[-1] for line in files] == ["test_b_e2e.py", "test_a_unit.py"]


def test_a_test_in_two_layers_is_refused(pytester):
    pytester.makepyfile(
        test_both="""
import pytest

@pytest.mark.e2e
@pytest.mark.render
def test_both_layers():
    pass
"""
    )

    result = run(pytester)

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "is in the layers e2e, render: keep one" in result.stderr.str()


def test_the_files_sharing_a_warm_up_share_a_worker_and_other_files_are_spread_one_by_one(
    pytester,
):
    # given the suite's distribution (one file at a time) on two workers
    config = pytester.parseconfigure(
        "--tx", "2*popen", "--dist", "loadfile", "-p", "devtools.pyramid"
    )

    # when pytest-xdist asks for its scheduler
    scheduler = config.hook.pytest_xdist_make_scheduler(config=config, log=None)

    # then the files that pay dbt's warm-up are one unit of work, any other file is its own
    scope = scheduler._split_scope
    build, cli = (f"tests/library/sql/test_sql_{name}.py::test_x[a]" for name in ("build", "cli"))
    assert scope(build) == scope(cli) == "dbt"
    assert scope("tests/library/test_registry.py::test_y") == "mlflow"
    assert scope("tests/test_three.py::test_z[a::b]") == scope("tests/test_three.py::test_w")
    assert scope("tests/test_three.py::test_w") == "tests/test_three.py"


# The session fixtures behind each warm-up (tests/library/**/conftest.py)
WARM_UP_FIXTURES = {"dbt": "built_sql_project", "mlflow": "new_mlflow_store"}


def test_every_test_file_using_a_warm_up_is_in_its_group_and_every_listed_file_exists():
    from devtools.pyramid import SHARED_WARM_UP
    from devtools.template_clone import TEMPLATE_ROOT

    users = {
        path.relative_to(TEMPLATE_ROOT).as_posix(): group
        for path in (TEMPLATE_ROOT / "tests").rglob("test_*.py")
        for group, fixture in WARM_UP_FIXTURES.items()
        if fixture in path.read_text(encoding="utf-8") and path != Path(__file__)
    }

    assert {path: SHARED_WARM_UP.get(path) for path in users} == users
    assert [path for path in SHARED_WARM_UP if not (TEMPLATE_ROOT / path).is_file()] == []
