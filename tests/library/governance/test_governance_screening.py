"""Personal data in the pipeline, fail-closed: a source may hold only what its provenance record
declares, a set no direct identifier; and a source whose record is broken is reported as a
broken record (its file, the field, what to fix), never as data its record fails to declare."""

import pandas as pd
import pytest

from ml_playbook.errors import ProjectError
from ml_playbook.governance.screening import screen
from ml_playbook.project.paths import EVALUATION_SET, PROVENANCE_RECORDS
from tests.library.governance.governance_factory import SETS, SOURCES, edit_record

CUSTOMERS = SOURCES["customers"]


def test_screen_passes_on_declared_data_and_reports_what_it_found(governed):
    report = screen(governed, list(SOURCES.values()), SETS)

    kinds = {finding["kind"] for finding in report[CUSTOMERS]}
    assert kinds == {"email", "phone"}
    assert all(finding["path"] == CUSTOMERS for finding in report[CUSTOMERS])
    assert report[SOURCES["activity"]] == []
    assert report[EVALUATION_SET.as_posix()] == []


def test_screen_fails_on_personal_data_the_record_does_not_declare(governed):
    edit_record(governed, "customers", lambda r: r["pii"]["fields"].pop())

    with pytest.raises(ProjectError) as raised:
        screen(governed, [CUSTOMERS], SETS)

    [problem] = raised.value.problems
    assert problem.startswith(f"{CUSTOMERS}: column 'phone' holds phone numbers (40 rows, e.g. ")
    assert (
        problem.endswith(
            "which data/sources/customers.yml does not declare; add it under pii.fields with its "
            "treatment"
        )
        or "customers.yml does not declare" in problem
    )


def test_screen_fails_on_a_direct_identifier_in_a_set(governed):
    evaluation = pd.read_parquet(governed / EVALUATION_SET)
    evaluation["contact"] = [f"someone{i}@example.org" for i in range(len(evaluation))]
    evaluation.to_parquet(governed / EVALUATION_SET)

    with pytest.raises(
        ProjectError,
        match=r"column 'contact' holds email addresses \(40 rows, .*direct identifiers never reach",
    ):
        screen(governed, list(SOURCES.values()), SETS)


def test_a_broken_record_is_named_with_its_field_instead_of_blaming_the_data(governed):
    edit_record(governed, "customers", lambda r: r["pii"]["fields"][0].update(kind="mail"))

    with pytest.raises(ProjectError) as raised:
        screen(governed, [CUSTOMERS], SETS)

    [problem] = raised.value.problems
    assert problem.startswith(
        f"{CUSTOMERS}: its provenance record {PROVENANCE_RECORDS}/customers.yml is broken "
        "(pii.fields.0.kind: 'mail' is not one of "
    )
    assert problem.endswith("fix the record and run `screen` again")
    assert "not declare" not in problem


def test_a_source_no_record_covers_says_to_add_one(governed):
    (governed / PROVENANCE_RECORDS / "customers.yml").unlink()

    with pytest.raises(ProjectError) as raised:
        screen(governed, [CUSTOMERS], SETS)

    assert len(raised.value.problems) == 2  # email and phone
    for problem in raised.value.problems:
        assert (
            f"and no provenance record covers {CUSTOMERS}: add data/sources/<name>.yml" in problem
        )
        assert "not declare" not in problem


def test_a_record_that_cannot_be_read_is_named_where_no_record_covers_the_source(governed):
    (governed / PROVENANCE_RECORDS / "customers.yml").write_text("name: [unclosed\n")

    with pytest.raises(ProjectError) as raised:
        screen(governed, [CUSTOMERS], SETS)

    assert "(data/sources/customers.yml cannot be read: fix it first)" in raised.value.problems[0]


def test_a_source_without_personal_data_needs_nothing_declared(governed):
    (governed / PROVENANCE_RECORDS / "activity.yml").unlink()

    report = screen(governed, [SOURCES["activity"]], SETS)

    assert report[SOURCES["activity"]] == []


def test_a_missing_table_says_to_run_the_stages_first(governed):
    (governed / EVALUATION_SET).unlink()

    with pytest.raises(ProjectError, match=f"{EVALUATION_SET} does not exist: run the stages"):
        screen(governed, list(SOURCES.values()), SETS)


def test_screen_finds_personal_data_inside_nested_columns_and_reads_declared_paths(governed):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # given an evaluation set holding e-mails in a list of structs, and a source holding phones
    # in a map's values, which its record declares by their path
    evaluation = pa.Table.from_pandas(pd.read_parquet(governed / EVALUATION_SET))
    people = [[{"email": f"someone{i}@example.org"}] for i in range(evaluation.num_rows)]
    evaluation = evaluation.append_column(
        "people", pa.array(people, type=pa.list_(pa.struct([("email", pa.string())])))
    )
    pq.write_table(evaluation, governed / EVALUATION_SET)
    activity = pa.Table.from_pandas(pd.read_parquet(governed / SOURCES["activity"]))
    phones = [[("휴대폰", f"010-{2000 + i}-{5000 + i}")] for i in range(activity.num_rows)]
    activity = activity.append_column(
        "attrs", pa.array(phones, type=pa.map_(pa.string(), pa.string()))
    )
    pq.write_table(activity, governed / SOURCES["activity"])
    edit_record(
        governed,
        "activity",
        lambda r: r["pii"].update(
            present=True,
            fields=[{"column": "attrs{value}", "kind": "phone", "treatment": "dropped"}],
        ),
    )

    # when the pipeline screens them
    with pytest.raises(ProjectError) as raised:
        screen(governed, list(SOURCES.values()), SETS)

    # then the set's nested e-mails fail it, named by their path; the declared phones pass
    [problem] = raised.value.problems
    assert problem.startswith(
        f"{EVALUATION_SET}: column 'people[].email' holds email addresses (40 rows, e.g. "
    )
    assert "direct identifiers never reach a training or evaluation set" in problem
    report = screen(governed, [SOURCES["activity"]], [])
    assert [(f["column"], f["kind"], f["count"]) for f in report[SOURCES["activity"]]] == [
        ("attrs{value}", "phone", 40)
    ]
