"""Scanning data sets (DuckDB, column by column) and text files for personal data."""

import random
from pathlib import Path

import pandas as pd
import pytest

from ml_playbook.governance.pii_scan import ScanError, scan_path, scan_table

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


def test_a_korean_table_is_scanned_with_its_column_names_as_context(tmp_path):
    # given a table whose column names say what the bare numbers are
    path = tmp_path / "고객.csv"
    pd.DataFrame(
        {
            "연락처": ["01012345678", "01098765432"],
            "epoch_ms": ["1710151334567", "1710151334568"],
            "메모": ["휴대폰 010-2345-6789로 연락", "주민번호 900101–1234568 확인"],
        }
    ).to_csv(path, index=False)

    # when it is scanned
    found = {(f.column, f.kind) for f in scan_table(path)}

    # then phones and the registration number are found, the epoch times are not
    assert found == {("연락처", "phone"), ("메모", "phone"), ("메모", "kr_rrn")}


def test_columns_typed_as_dates_or_fractions_are_not_scanned(tmp_path):
    path = tmp_path / "events.parquet"
    pd.DataFrame(
        {
            "at": pd.to_datetime(["2024-01-15", "2024-01-16"]),
            "amount": [1.5, 2.5],
            "note": ["mail kim@example.com", "none"],
        }  # fmt: skip
    ).to_parquet(path)

    assert [(f.column, f.kind) for f in scan_table(path)] == [("note", "email")]


def test_counts_are_exact_up_to_the_sample_and_estimated_beyond(tmp_path):
    # given 10,000 rows, one in ten holding an email, the rest candidates without one
    rows = [f"user{i}@example.com" if i % 10 == 0 else f"order 2024-{i:07d}" for i in range(10_000)]
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    pd.DataFrame({"text": rows[:1000]}).to_csv(small, index=False)
    pd.DataFrame({"text": rows}).to_csv(large, index=False)

    # when both are scanned
    (exact,) = scan_table(small)
    (estimated,) = scan_table(large)

    # then the small one is counted exactly, the large one to within sampling error
    assert exact.count == 100
    assert 600 <= estimated.count <= 1400


def test_a_file_name_with_quotes_is_read_as_data(tmp_path):
    path = tmp_path / "it's; drop table x; --.csv"
    pd.DataFrame({"email": ["a@example.com"]}).to_csv(path, index=False)

    (finding,) = scan_table(path)

    assert (finding.kind, finding.path) == ("email", str(path))


def test_phone_regions_come_from_the_project_setting(tmp_path, monkeypatch, capsys):
    from ml_playbook.governance import pii

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.ml-playbook]\npii-phone-regions = ["KR"]\n')
    pii.phone_regions.cache_clear()
    try:
        # given a project that tries Korean national formats only
        assert pii.phone_regions() == ("KR",)
        # then a London number written nationally is no longer a phone; +44 still is
        assert [m.kind for m in pii.find("office 020 7946 0958")] == []
        assert [m.kind for m in pii.find("office +44 20 7946 0958")] == ["phone"]

        # and a malformed setting says so on one line and falls back to the default
        (tmp_path / "pyproject.toml").write_text('[tool.ml-playbook]\npii-phone-regions = "KR"\n')
        pii.phone_regions.cache_clear()
        assert pii.phone_regions() == pii.DEFAULT_PHONE_REGIONS
        assert "pii-phone-regions must be a list" in capsys.readouterr().err
    finally:
        pii.phone_regions.cache_clear()


def test_utf16_text_is_scanned_and_binaries_are_skipped(tmp_path):
    (tmp_path / "notes.txt").write_bytes("연락처 010-2345-6789\n".encode("utf-16"))
    (tmp_path / "blob.bin").write_bytes(b"\0\1kim@example.com")

    found = [(f.path.rsplit("/", 1)[-1], f.kind) for f in scan_path(tmp_path)]

    assert found == [("notes.txt", "phone")]


def test_what_is_not_a_regular_file_is_a_clear_error(tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    with pytest.raises(ScanError, match="not a regular file"):
        list(scan_path(fifo))


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_epoch_milliseconds_and_negative_numbers_in_a_table_are_not_personal_data(tmp_path, suffix):
    # given a table of 13-digit epoch-ms values (2001-2039: many read as births in 2010-2021)
    # under a column name that says nothing, and int32/int64 limits
    rng = random.Random(12)
    frame = pd.DataFrame(
        {
            "value": [rng.randrange(10**12, 2_200_000_000_000) for _ in range(3000)],
            "limit": [-(2**31), 2**31 - 1, -(2**63), 2**63 - 1] * 750,
        }
    )
    path = tmp_path / f"events{suffix}"
    frame.to_parquet(path) if suffix == ".parquet" else frame.to_csv(path, index=False)

    # when the table is scanned, then nothing is found
    assert scan_table(path) == []


def test_phones_with_a_country_code_and_no_plus_are_found_in_a_table(tmp_path):
    # given a contact column written the way Korean exports often write it
    path = tmp_path / "contacts.csv"
    pd.DataFrame({"contact": ["82-10-2345-6789", "82-10-9876-5432", "n/a"]}).to_csv(
        path, index=False
    )

    # when scanned, then both numbers count as phones
    (finding,) = scan_table(path)
    assert (finding.column, finding.kind, finding.count) == ("contact", "phone", 2)


# Nested Parquet columns: every struct field, list element, map key and map value is scanned,
# and a finding names its path: `.field` into a struct, `[]` into a list, `{key}` / `{value}`
# into a map.


def write_nested(path, **columns):
    """A Parquet file written with pyarrow: each column a (values, pyarrow type) pair."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = {name: pa.array(values, type=dtype) for name, (values, dtype) in columns.items()}
    pq.write_table(pa.table(arrays), path)
    return path


def scanned(path, allowlist=frozenset()):
    return {(f.column, f.kind): f.count for f in scan_table(path, allowlist)}


def test_an_email_in_a_struct_field_is_found_by_its_path(tmp_path):
    import pyarrow as pa

    # given a struct column holding an e-mail beside a number, with a NULL struct and NULL field
    contact = pa.struct([("email", pa.string()), ("visits", pa.int64())])
    path = write_nested(
        tmp_path / "people.parquet",
        contact=(
            [
                {"email": "kim@example.com", "visits": 3},
                None,
                {"email": None, "visits": 1},
                {"email": "lee@example.org", "visits": 0},
            ],
            contact,
        ),
    )

    # when it is scanned, then the finding names the field inside the struct
    (finding,) = scan_table(path)
    assert (finding.column, finding.kind, finding.count) == ("contact.email", "email", 2)
    assert finding.example == "k***@example.com"


def test_phones_in_a_list_count_the_rows_that_hold_them(tmp_path):
    import pyarrow as pa

    # given a list column with two phones in one row, NULLs and empty lists in between
    phones = [["010-2345-6789", "02-3456-7890"], None, [], [None], ["010-9876-5432"], ["n/a"]]
    path = write_nested(tmp_path / "contacts.parquet", phones=(phones, pa.list_(pa.string())))

    # when scanned, then the list's elements are found under `phones[]`, one count per row
    assert scanned(path) == {("phones[]", "phone"): 2}


def test_a_korean_phone_in_a_map_value_and_an_email_as_a_map_key_are_found(tmp_path):
    import pyarrow as pa

    # given maps whose values hold a Korean phone and whose keys hold an e-mail
    path = write_nested(
        tmp_path / "attributes.parquet",
        attrs=(
            [[("휴대폰", "010-2345-6789"), ("plan", "basic")], None, [], [("plan", "premium")]],
            pa.map_(pa.string(), pa.string()),
        ),
        replies=(
            [[("park@example.com", 2)], [], None, [("unknown", 1)]],
            pa.map_(pa.string(), pa.int32()),
        ),
    )

    # when scanned, then each is named by the map's part that holds it
    assert scanned(path) == {("attrs{value}", "phone"): 1, ("replies{key}", "email"): 1}


def test_a_list_of_structs_is_scanned_field_by_field(tmp_path):
    import pyarrow as pa

    # given a list of structs, one holding a phone in text and the other fields not personal
    item = pa.struct([("note", pa.string()), ("amount", pa.float64())])
    path = write_nested(
        tmp_path / "orders.parquet",
        items=(
            [
                [{"note": "call 010-2345-6789", "amount": 1.5}, None],
                [],
                [{"note": "order 2024-0001234", "amount": 2.0}],
                [{"note": None, "amount": None}],
            ],
            pa.list_(item),
        ),
    )

    # when scanned, then the phone is named by its path through the list
    assert scanned(path) == {("items[].note", "phone"): 1}


def test_values_three_levels_deep_and_in_lists_of_lists_are_found(tmp_path):
    import pyarrow as pa

    # given a struct of a list of structs (an e-mail at the bottom), and a list of lists
    address = pa.struct([("email", pa.string())])
    customer = pa.struct([("name", pa.string()), ("addresses", pa.list_(address))])
    path = write_nested(
        tmp_path / "customers.parquet",
        customer=(
            [
                {"name": "Kim", "addresses": [{"email": None}, {"email": "kim@example.com"}]},
                {"name": "Lee", "addresses": None},
                {"name": "Park", "addresses": []},
                None,
            ],
            customer,
        ),
        groups=(
            [[["n/a"], None, []], None, [[], ["kim@example.com", "lee@example.org"]], [[]]],
            pa.list_(pa.list_(pa.string())),
        ),
    )

    # when scanned, then each finding names its whole path
    assert scanned(path) == {
        ("customer.addresses[].email", "email"): 1,
        ("groups[][]", "email"): 1,
    }


def test_a_nested_column_with_nothing_personal_passes_beside_one_that_has(tmp_path):
    import pyarrow as pa

    # given a nested column full of candidates that are not personal (orders, versions,
    # times, numbers), beside a nested column holding an allowlisted and a real e-mail
    meta = pa.struct(
        [("versions", pa.list_(pa.string())), ("counts", pa.map_(pa.string(), pa.int64()))]
    )
    path = write_nested(
        tmp_path / "events.parquet",
        meta=(
            [
                {"versions": ["version 1.2.3.4", "order 2024-0001234"], "counts": [("a", 12)]},
                {"versions": [], "counts": [("b", 1710151334567)]},
            ],
            meta,
        ),
        owner=([["support@example.com"], ["kim@example.com"]], pa.list_(pa.string())),
    )

    # when scanned with the allowlist, then only the real e-mail's path is reported
    assert scanned(path, frozenset({"support@example.com"})) == {("owner[]", "email"): 1}


def test_counts_inside_lists_are_rows_estimated_beyond_the_sample(tmp_path):
    import pyarrow as pa

    # given 6,000 rows of lists, every other one holding an e-mail among order numbers
    rows = [
        [f"order 2024-{i:07d}", *([f"user{i}@example.com"] if i % 2 == 0 else [])]
        for i in range(6000)
    ]
    path = write_nested(tmp_path / "orders.parquet", notes=(rows, pa.list_(pa.string())))

    # when scanned, then the count is of rows, to within sampling error
    count = scanned(path)[("notes[]", "email")]
    assert 2400 <= count <= 3600


def test_a_variant_column_is_scanned_as_text(tmp_path):
    import duckdb

    # given a Parquet VARIANT column (DuckDB writes one) holding a struct with a phone
    path = tmp_path / "events.parquet"
    with duckdb.connect() as connection:
        connection.sql(
            "select * from (values ({'contact': {'phones': ['010-2345-6789']}}::variant), "
            "(NULL::variant), (42::variant)) t(payload)"
        ).write_parquet(str(path))

    # when scanned, then its text is read like any text column
    assert scanned(path) == {("payload", "phone"): 1}


def test_a_type_the_scan_cannot_read_inside_is_refused_naming_the_column(tmp_path):
    import duckdb

    from ml_playbook.governance import pii_scan

    # given a union (no Parquet file holds one: DuckDB writes it as a struct, read below)
    connection = duckdb.connect()
    union = connection.sql("select union_value(mail := 'kim@example.com') as u").types[0]

    # when its places are listed, then it is refused in one line naming the column
    with pytest.raises(ScanError, match=r"^t\.parquet: column u is a UNION\(mail VARCHAR\)"):
        list(pii_scan._leaves(Path("t.parquet"), "u", '"u"', union, many=False))
    path = tmp_path / "union.parquet"
    connection.sql("select union_value(mail := 'kim@example.com') as u").write_parquet(str(path))
    assert scanned(path) == {("u.mail", "email"): 1}


@pytest.mark.parametrize("wide", [True, False])
def test_a_wide_table_is_scanned_cell_by_cell_with_each_column_named(tmp_path, monkeypatch, wide):
    # given a 100-column export: an address in one column, spaced SSNs under `ssn`, the rest
    # plain values (read by unnesting each row's cells, or by DuckDB's UNPIVOT)
    import ml_playbook.governance.pii_scan as pii_scan

    monkeypatch.setattr(pii_scan, "WIDE", 64 if wide else 1000)
    columns = {f"field_{index}": ["shipped", "n/a", "12"] for index in range(98)}
    columns["field_57"] = ["ok", "lee@example.com", "ok"]
    columns["ssn"] = ["123 45 6789", "234 56 7890", ""]
    columns["note"] = ["version 1.2.3.4", "2024-03-01", "ok"]
    path = tmp_path / "export.csv"
    pd.DataFrame(columns).to_csv(path, index=False)

    # when it is scanned
    found = {(f.column, f.kind): f.count for f in scan_table(path)}

    # then each finding names its column, with its count
    assert found == {("field_57", "email"): 1, ("ssn", "us_ssn"): 2}
