"""tables: the one home of which files are tables and how DuckDB reads them."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ml_playbook.governance import tables


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".pq", ".CSV"])
def test_every_table_suffix_reads_back_as_a_relation(tmp_path, suffix):
    # given a small table written in the format its suffix names
    frame = pd.DataFrame({"phone": ["010-1234-5678"], "n": [7]})
    path = tmp_path / f"it's a table{suffix}"
    if tables.TABLE_SUFFIXES[suffix.lower()] is None:
        frame.to_parquet(path)
    else:
        frame.to_csv(path, index=False, sep=tables.TABLE_SUFFIXES[suffix.lower()])

    # when DuckDB reads the relation, every column as text
    with duckdb.connect() as connection:
        rows = connection.sql(
            f"select * from {tables.relation_sql(path, all_varchar=True)}"
        ).fetchall()

    # then the quote in the name is data and the values come back
    assert tables.is_table(path)
    assert [str(value) for value in rows[0]] == ["010-1234-5678", "7"]


def test_a_file_that_is_not_a_table_is_refused_with_its_name():
    with pytest.raises(ValueError, match=r"notes\.md: not a table"):
        tables.relation_sql(Path("notes.md"))


def test_identifiers_are_quoted():
    assert tables.identifier('a "b"') == '"a ""b"""'
