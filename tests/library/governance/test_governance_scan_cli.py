"""`data scan`: personal data in a file or folder, as text or JSON; exit 1 when any is found,
with the project's phone regions; a path that cannot be scanned is one `error:` line."""

import json

import pytest
import typer
from typer.testing import CliRunner

from ml_playbook.cli import data as data_cli
from ml_playbook.cli.common import Apps
from ml_playbook.project import ProjectSpec
from ml_playbook.project.paths import EVALUATION_SET
from tests.library.governance.governance_factory import SOURCES


@pytest.fixture
def scan():
    """Run `<package> data scan …` in the working directory."""
    app, data = typer.Typer(), typer.Typer()
    app.add_typer(data, name="data")
    data_cli.register(Apps(app, data), ProjectSpec(package="tiny"))
    return lambda *args: CliRunner().invoke(app, ["data", "scan", *args])


def test_data_scan_reports_json_findings_and_fails(governed, monkeypatch, scan):
    monkeypatch.chdir(governed)

    result = scan(SOURCES["customers"], "--format", "json")

    findings = json.loads(result.output)
    assert result.exit_code == 1
    email = next(f for f in findings if f["kind"] == "email")
    assert email["column"] == "email"
    assert email["count"] == 40
    assert "***@" in email["example"]


def test_data_scan_reports_each_finding_as_a_line_of_text(governed, monkeypatch, scan):
    monkeypatch.chdir(governed)

    result = scan("data/raw")

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("data/raw/customers.parquet: column email: email address x40 (e.g. ")


def test_data_scan_of_clean_data_says_so(governed, monkeypatch, scan):
    monkeypatch.chdir(governed)

    result = scan(str(EVALUATION_SET))

    assert result.exit_code == 0
    assert result.output.strip() == f"no personal data found in {EVALUATION_SET}"


def test_data_scan_of_a_missing_path_is_a_one_line_error(tmp_path, monkeypatch, scan):
    monkeypatch.chdir(tmp_path)

    result = scan("nowhere.csv")

    assert result.exit_code == 1
    assert result.output.strip() == "error: nowhere.csv: no such file or folder"


def test_data_scan_refuses_an_unknown_format(tmp_path, monkeypatch, scan):
    monkeypatch.chdir(tmp_path)

    result = scan("nowhere.csv", "--format", "xml")

    assert result.exit_code == 1
    assert result.output.strip() == "error: unknown format 'xml': use text or json"


@pytest.mark.parametrize(("regions", "found"), [('["US"]', False), ('["GB"]', True)])
def test_data_scan_tries_national_phone_formats_of_the_configured_regions(
    tmp_path, monkeypatch, scan, regions, found
):
    (tmp_path / "pyproject.toml").write_text(f"[tool.ml-playbook]\npii-phone-regions = {regions}\n")
    (tmp_path / "note.txt").write_text("Call the London office on 020 7946 0321.\n")  # pii: allow
    monkeypatch.chdir(tmp_path)

    result = scan("note.txt")

    assert (result.exit_code == 1) is found, result.output


def test_data_scan_names_the_path_of_personal_data_inside_nested_columns(
    tmp_path, monkeypatch, scan
):
    import pyarrow as pa
    import pyarrow.parquet as pq

    # given a Parquet file whose only personal data sits in a list inside a struct
    contact = pa.struct([("emails", pa.list_(pa.string())), ("plan", pa.string())])
    values = [
        {"emails": ["kim@example.com", None], "plan": "basic"},
        {"emails": [], "plan": "premium"},
        None,
        {"emails": ["lee@example.org"], "plan": None},
    ]
    pq.write_table(pa.table({"contact": pa.array(values, type=contact)}), tmp_path / "c.parquet")
    monkeypatch.chdir(tmp_path)

    # when it is scanned, as text and as JSON
    text, as_json = scan("c.parquet"), scan("c.parquet", "--format", "json")

    # then the finding names the path and the scan fails
    assert (text.exit_code, as_json.exit_code) == (1, 1)
    assert (
        text.output
        == "c.parquet: column contact.emails[]: email address x2 (e.g. k***@example.com)\n"
    )
    [finding] = json.loads(as_json.output)
    assert (finding["column"], finding["kind"], finding["count"]) == (
        "contact.emails[]",
        "email",
        2,
    )
