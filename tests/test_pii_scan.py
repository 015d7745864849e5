"""Scanning data sets (DuckDB, column by column) and text files for personal data."""

import pandas as pd
import pytest
from ml_playbook.pii_scan import ScanError, scan_path, scan_table

PEOPLE = pd.DataFrame(
    {
        "id": [1, 2, 3, 4],
        "email": ["a@example.com", "b@example.org", None, "c@example.net"],
        "phone": ["010-1234-5678", "010-2345-6789", "02-3456-7890", "n/a"],
        "note": ["order ORD-2024-000123", "version 1.2.3.4", "uuid 123e4567-e89b", ""],
        "rrn_in_numbers": ["9001011234567", "", "", ""],
    }
)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_table_is_scanned_column_by_column(tmp_path, suffix):
    path = tmp_path / f"people{suffix}"
    PEOPLE.to_parquet(path) if suffix == ".parquet" else PEOPLE.to_csv(path, index=False)

    found = {(f.column, f.kind): f for f in scan_table(path)}

    assert set(found) == {("email", "email"), ("phone", "phone"), ("rrn_in_numbers", "kr_rrn")}
    assert found[("email", "email")].count == 3
    assert found[("phone", "phone")].count == 3
    assert found[("email", "email")].example == "a***@example.com"


def test_the_allowlist_hides_listed_values(tmp_path):
    path = tmp_path / "people.parquet"
    PEOPLE.to_parquet(path)

    found = scan_table(path, frozenset({"010-1234-5678", "010-2345-6789", "02-3456-7890"}))

    assert "phone" not in {finding.kind for finding in found}


def test_text_files_are_scanned_line_by_line(tmp_path):
    (tmp_path / "notes.md").write_text("ok\nmail kim@example.com and lee@example.com\n")

    (finding,) = scan_path(tmp_path)

    assert (finding.line, finding.kind, finding.count) == (2, "email", 2)


def test_a_file_that_is_not_a_table_is_a_clear_error(tmp_path):
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")

    with pytest.raises(ScanError, match="broken.parquet: not a readable table"):
        scan_table(tmp_path / "broken.parquet")


def test_missing_paths_and_non_utf8_text_are_clear_errors(tmp_path):
    with pytest.raises(ScanError, match="no such file or folder"):
        list(scan_path(tmp_path / "nowhere"))
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9")
    with pytest.raises(ScanError, match="not UTF-8 text"):
        list(scan_path(tmp_path / "latin1.txt"))


def test_empty_files_are_skipped(tmp_path):
    (tmp_path / "empty.csv").write_text("")

    assert list(scan_path(tmp_path)) == []
