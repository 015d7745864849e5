import textwrap

from ml_playbook.check_data_records import main

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


def test_a_record_whose_name_differs_from_its_file_is_refused(repo, capsys):
    record = repo("data/sources/clients.yml", RECORD)

    assert main([record]) == 1
    assert "must match the file name 'clients'" in capsys.readouterr().out
