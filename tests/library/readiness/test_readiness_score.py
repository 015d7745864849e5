"""The ML Test Score comes from evidence in the project's repository — marked tests, its CI,
dated write-ups — and moves when the evidence does; bad evidence is a one-line error naming
its file."""

import json
import os

import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.readiness import report
from ml_playbook.readiness.rubric import ITEMS, SECTIONS, band
from ml_playbook.readiness.score import compute
from tests.library.readiness.repositories import CI, TODAY, marked_test, repository


def points(score, item: str) -> float:
    return next(line.points for line in score.lines if line.item == item)


def test_the_rubric_has_28_items_in_four_sections_of_seven():
    assert len(ITEMS) == 28
    assert {
        section: sum(i.section == section for i in ITEMS) for section in SECTIONS
    } == dict.fromkeys(SECTIONS, 7)


def test_a_marked_test_that_ci_runs_is_automated_evidence(tmp_path):
    root = repository(tmp_path, {"tests/test_a.py": marked_test("data-1"), CI: "run: make test\n"})

    score = compute(root, max_manual_age_days=90, today=TODAY)

    assert points(score, "data-1") == 1
    assert score.sections["data"] == 1
    assert score.final == 0


def test_a_marked_test_no_ci_runs_counts_half(tmp_path):
    root = repository(tmp_path, {"tests/test_a.py": marked_test("data-1")})

    assert points(compute(root, 90, TODAY), "data-1") == 0.5


@pytest.mark.parametrize(
    "test_module",
    [
        "import pytest\n\npytestmark = [pytest.mark.readiness('model-3')]\n",
        "from pytest import mark\n\n\nclass TestIt:\n    @mark.readiness('model-3')\n"
        "    def test_it(self):\n        pass\n",
    ],
    ids=["module", "method"],
)
def test_a_marker_on_a_module_or_a_method_counts(tmp_path, test_module):
    root = repository(tmp_path, {"tests/test_a.py": test_module})

    assert points(compute(root, 90, TODAY), "model-3") == 0.5


def test_removing_the_evidence_lowers_the_score(tmp_path):
    root = repository(
        tmp_path,
        {
            "tests/test_a.py": marked_test("data-1", "model-3", "infrastructure-1"),
            "tests/test_b.py": marked_test("data-3", "model-6", "infrastructure-2"),
            CI: "script: [uv run pytest]\n",
        },
    )
    before = compute(root, 90, TODAY)

    (root / "tests/test_b.py").unlink()
    after = compute(root, 90, TODAY)

    assert before.sections == {"data": 2, "model": 2, "infrastructure": 2, "monitoring": 0}
    assert after.sections == {"data": 1, "model": 1, "infrastructure": 1, "monitoring": 0}
    assert before.final == after.final == 0  # no test earns a monitoring item


def test_a_scheduled_job_proposing_template_updates_proves_dependency_notification(tmp_path):
    root = repository(
        tmp_path, {CI: "on:\n  schedule: [{cron: '0 6 * * 1'}]\njobs: {x: copier update}\n"}
    )

    score = compute(root, 90, TODAY)

    assert points(score, "monitoring-1") == 1
    assert next(line.evidence for line in score.lines if line.item == "monitoring-1") == [CI]


def test_a_dated_write_up_counts_half_until_it_is_too_old(tmp_path):
    root = repository(
        tmp_path,
        {
            "docs/readiness/inclusion.md": "Checked metrics across age groups: within 2 points.\n",
            "docs/readiness/records.yml": (
                "- {item: model-7, by: '@kim', date: 2026-05-01, result: within 2 points,"
                " link: docs/readiness/inclusion.md}\n"
            ),
        },
    )

    assert points(compute(root, 90, TODAY), "model-7") == 0.5
    assert points(compute(root, 10, TODAY), "model-7") == 0


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (
            "- {item: model-9, by: a, date: 2026-05-01, result: r, link: x.md}\n",
            "'model-9' is not a rubric item",
        ),
        ("- {item: model-7, by: a, date: 2026-02-30, result: r, link: x.md}\n", "is not a date"),
        ("- {item: model-7, by: a, date: 2026-05-01, result: r, link: gone.md}\n", "is not a file"),
        ("- {item: model-7, by: a, date: 2026-05-01, result: r, link: /etc/hosts}\n", "not a file"),
        ("- {item: model-7, by: a, date: 2026-05-01, result: r, link: ../x.md}\n", "not a file"),
        ("- {item: model-7}\n", "needs exactly the keys"),
        ("[unclosed\n", "not valid YAML"),
        ("item: model-7\n", "must be a list"),
    ],
)
def test_a_bad_record_is_named_in_one_line(tmp_path, records, message):
    root = repository(
        tmp_path / "repo", {"x.md": "write-up\n", "docs/readiness/records.yml": records}
    )
    (tmp_path / "x.md").write_text("outside the repository\n")

    with pytest.raises(ProjectError, match=message) as raised:
        compute(root, 90, TODAY)

    assert all("\n" not in problem for problem in raised.value.problems)


def test_a_marker_naming_no_rubric_item_is_refused_with_its_place(tmp_path):
    root = repository(tmp_path, {"tests/test_a.py": marked_test("data-8")})

    with pytest.raises(ProjectError, match=r"tests/test_a.py:4: readiness marker names 'data-8'"):
        compute(root, 90, TODAY)


def test_a_test_file_that_is_not_python_is_named(tmp_path):
    root = repository(tmp_path, {"tests/test_a.py": "def test_it(:\n"})

    with pytest.raises(ProjectError, match="tests/test_a.py: cannot be read for readiness markers"):
        compute(root, 90, TODAY)


def test_a_test_file_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_a.py").write_bytes(b"# caf\xe9\n")

    with pytest.raises(ProjectError, match="^tests/test_a.py: not UTF-8 text"):
        compute(tmp_path, 90, TODAY)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_what_is_not_a_regular_file_is_passed_over(tmp_path):
    root = repository(tmp_path, {"tests/test_a.py": marked_test("data-1")})
    os.mkfifo(root / "tests/test_fifo.py")
    (root / ".github/workflows").mkdir(parents=True)
    os.mkfifo(root / CI)
    (root / "tests/test_folder.py").mkdir()

    assert points(compute(root, 90, TODAY), "data-1") == 0.5


def test_the_final_score_is_the_lowest_section_and_has_the_papers_band():
    assert band(0) == "more of a research project than a productionized system"
    assert band(5.5) == "exceptional levels of automated testing and monitoring"
    assert band(3.5).startswith("strong automated testing")


def test_the_report_is_written_as_json_and_html(tmp_path):
    root = repository(
        tmp_path, {"tests/test_a.py": marked_test("infrastructure-1"), CI: "make test"}
    )
    score = compute(root, 90, TODAY)

    report.write(score, tmp_path / "out/readiness.json", tmp_path / "out/readiness.html")

    written = json.loads((tmp_path / "out/readiness.json").read_text())
    assert written["sections"]["infrastructure"] == 1
    assert "infrastructure-1" in (tmp_path / "out/readiness.html").read_text()


def test_the_terminal_report_shows_each_item_and_how_to_raise_the_missing_ones(tmp_path):
    root = repository(tmp_path, {"tests/test_a.py": marked_test("data-1"), CI: "make test"})

    lines = report.lines_for_terminal(compute(root, 90, TODAY))

    assert lines[0].split()[:2] == ["item", "points"]
    data_1 = lines.index(next(line for line in lines if line.startswith("data-1 ")))
    assert lines[data_1 + 1].split() == [
        "evidence:",
        "tests/test_a.py::test_it;",
        "run",
        "by",
        ".github/workflows/ci.yml",
    ]
    data_2 = lines.index(next(line for line in lines if line.startswith("data-2 ")))
    assert (
        lines[data_2 + 1]
        .strip()
        .startswith("not earned: a test that each configured feature adds value")
    )
    assert lines[-1].split()[:3] == ["final", "score", "0"]
