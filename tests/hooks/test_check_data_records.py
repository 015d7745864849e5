import os
import textwrap

import pytest

from ml_playbook.hooks.check_data_records import main

RECORD = """
name: customers
description: One row per customer of the service.
paths: [data/raw/customers.parquet]
source: {system: CRM, collection_method: nightly export}
owner: {team: data engineering, contact: "@data-eng"}
license: LicenseRef-Internal
legal_basis: {basis: contract, note: "service contract, clause 4"}
time_range: {start: 2023-01-01, end: 2024-12-31}
pii:
  present: true
  fields: [{column: email, kind: email, treatment: pseudonymised}]
retention: {delete_by: 2030-12-31}
lineage: {produced_by: [crm export], consumed_by: [sql/staging/stg_customers.sql]}
version: dvc.lock
sensitivity: confidential
sign_off: {reviewer: "@ml-lead", date: 2024-02-01, decision: approved}
"""


def dvc_file(out: str) -> str:
    return textwrap.dedent(f"""\
        outs:
        - md5: 0123456789abcdef0123456789abcdef
          path: {out}
        """)


def test_a_data_set_with_a_valid_record_passes(repo):
    repo("data/sources/customers.yml", RECORD)

    assert main([repo("data/raw/customers.parquet.dvc", dvc_file("customers.parquet"))]) == 0


def test_a_dvc_file_without_a_record_is_refused_naming_the_data(repo, capsys):
    repo("data/sources/customers.yml", RECORD)

    assert main([repo("data/raw/orders.csv.dvc", dvc_file("orders.csv"))]) == 1
    out = capsys.readouterr().out
    assert (
        "data/raw/orders.csv (added by data/raw/orders.csv.dvc): no valid provenance record" in out
    )


def test_a_dvc_yaml_output_under_data_needs_a_record_but_reports_do_not(repo, capsys):
    pipeline = repo(
        "dvc.yaml",
        "stages:\n  make:\n    cmd: x\n    outs:\n      - data/interim\n      - data/reports/r\n"
        "      - models/model.joblib\n",
    )

    assert main([pipeline]) == 1
    out = capsys.readouterr().out
    assert "data/interim (added by dvc.yaml)" in out
    assert "data/reports" not in out
    assert "models/" not in out


def test_an_invalid_record_is_refused_naming_the_field(repo, capsys):
    record = repo(
        "data/sources/customers.yml", RECORD.replace("sensitivity: confidential", "sensitivity: 3")
    )

    assert main([record]) == 1
    assert "data/sources/customers.yml: sensitivity: 3 is not one of" in capsys.readouterr().out


def test_malformed_yaml_is_a_one_line_error(repo, capsys):
    record = repo("data/sources/customers.yml", "name: [unclosed\n")

    assert main([record]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "not valid YAML at line" in out


def test_a_key_written_twice_is_refused_not_overwritten(repo, capsys):
    # PyYAML would keep the second `sensitivity` silently; DVC refuses such files: so do we
    record = repo("data/sources/customers.yml", RECORD + "sensitivity: public\n")

    assert main([record]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "the key 'sensitivity' is written twice (lines 16 and 18)" in out


def test_a_record_whose_name_differs_from_its_file_is_refused(repo, capsys):
    record = repo("data/sources/clients.yml", RECORD)

    assert main([record]) == 1
    assert "must match the file name 'clients'" in capsys.readouterr().out


def one_line_error(capsys, name: str, what: str) -> None:
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{name}: ") and what in lines[0], lines[0]


@pytest.mark.parametrize(
    ("pipeline", "what"),
    [
        ("stages:\n  - train\n", "`stages` must be a mapping"),
        ("stages:\n  train:\n", "stage 'train' has no body"),
        ("stages:\n  train: python train.py\n", "stage 'train' must be a mapping"),
        ("stages:\n  train:\n    cmd: x\n    outs:\n", "`outs` is empty or not a list"),
        ("stages:\n  train:\n    cmd: x\n    outs: [5]\n", "every entry of `outs` must be a path"),
        ("stages:\n  t:\n    cmd: x\n    outs: [{path: 5}]\n", "every entry of `outs`"),
        ("- a\n- b\n", "a dvc.yaml must be a mapping"),
        ("stages: {t: {outs: [\n", "not valid YAML at line"),
    ],
)
def test_a_malformed_dvc_yaml_is_a_one_line_error(repo, capsys, pipeline, what):
    assert main([repo("dvc.yaml", pipeline)]) == 1
    one_line_error(capsys, "dvc.yaml", what)


@pytest.mark.parametrize(
    ("pointer", "what"),
    [
        ("just text\n", "a .dvc file must be a mapping"),
        ("[1, 2]\n", "a .dvc file must be a mapping"),
        ("outs:\n- path: 5\n", "needs a `path`"),
        ("outs: {path: x}\n", "`outs` must be a list"),
        ("", "a .dvc file must be a mapping"),
    ],
)
def test_a_malformed_dvc_file_is_a_one_line_error(repo, capsys, pointer, what):
    assert main([repo("data/raw/x.csv.dvc", pointer)]) == 1
    one_line_error(capsys, "data/raw/x.csv.dvc", what)


def test_anchors_and_aliases_in_a_dvc_yaml_still_work(repo, capsys):
    pipeline = repo(
        "dvc.yaml",
        "stages:\n  a:\n    cmd: x\n    outs: &outs [data/interim]\n"
        "  b:\n    cmd: y\n    outs: *outs\n",
    )

    assert main([pipeline]) == 1
    assert capsys.readouterr().out.count("data/interim (added by dvc.yaml)") == 2


def test_an_impossible_date_is_a_field_error(repo, capsys):
    record = repo(
        "data/sources/customers.yml", RECORD.replace("date: 2024-02-01", "date: 2030-02-30")
    )

    assert main([record]) == 1
    one_line_error(
        capsys, "data/sources/customers.yml", "sign_off.date: '2030-02-30' is not a 'date'"
    )


def test_deep_nesting_and_alias_bombs_are_refused_and_other_records_still_checked(repo, capsys):
    bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
    )
    records = [
        repo("data/sources/bomb.yml", bomb),
        repo("data/sources/deep.yml", "".join("  " * i + "a:\n" for i in range(200))),
        repo("data/sources/flow.yml", "a: " + "[" * 5000 + "]" * 5000),
        repo(
            "data/sources/customers.yml",
            RECORD.replace("sensitivity: confidential", "sensitivity: 3"),
        ),
    ]

    assert main(records) == 1
    out = capsys.readouterr().out
    assert (
        "data/sources/bomb.yml: holds more than 100,000 values, counting what aliases repeat" in out
    )
    assert "data/sources/deep.yml: nested deeper than 64 levels" in out
    assert "data/sources/flow.yml: not valid YAML at line 1 (exceeded maximum nesting depth)" in out
    assert "data/sources/customers.yml: sensitivity: 3 is not one of" in out


def test_a_record_that_is_not_a_file_is_a_problem_but_a_dvc_fifo_is_only_noted(
    repo, tmp_path, capsys
):
    (tmp_path / "data/sources").mkdir(parents=True)
    os.mkfifo(tmp_path / "data/sources/fifo.yml")
    os.mkfifo(tmp_path / "data/raw.dvc")

    assert main(["data/raw.dvc"]) == 0
    assert capsys.readouterr().out == "data/raw.dvc: skipped, a FIFO, not a regular file.\n"
    assert main(["data/sources/fifo.yml"]) == 1
    assert "data/sources/fifo.yml: not a regular file" in capsys.readouterr().out


def test_values_that_are_not_text_are_refused_in_one_line(repo, capsys):
    record = repo("data/sources/customers.yml", RECORD + "extra: " + "9" * 5000 + "\n")

    assert main([record]) == 1
    one_line_error(capsys, "data/sources/customers.yml", "not YAML this check reads")


def test_a_long_output_path_is_cut_in_the_message(repo, capsys):
    pipeline = repo(
        "dvc.yaml", "stages:\n  t:\n    cmd: x\n    outs: [data/" + "x" * 10_000 + "]\n"
    )

    assert main([pipeline]) == 1
    out = capsys.readouterr().out
    assert out.startswith("data/xxx") and "… (added by dvc.yaml)" in out
    assert len(out) < 500


def test_a_field_with_a_trailing_newline_does_not_match_its_pattern(repo, capsys):
    record = repo(
        "data/sources/customers.yml",
        RECORD.replace('contact: "@data-eng"', 'contact: "@data-eng\\n"'),
    )

    assert main([record]) == 1
    assert "data/sources/customers.yml: owner.contact: '@data-eng\\n' does not match" in (
        capsys.readouterr().out
    )
