"""Tables (CSV, TSV, Parquet) as DuckDB relations: the one place that knows which files are
tables and how to read them. The PII scan reads tables through it, and so does the generated
project (its SQL engine sessions and stages import it from here).

DuckDB is imported by the callers, not here: this module only writes SQL.
"""

from pathlib import Path

# Suffix -> delimiter (None: Parquet).
TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t", ".parquet": None, ".pq": None}


def is_table(path: Path) -> bool:
    return path.suffix.lower() in TABLE_SUFFIXES


def literal(text: str) -> str:
    """`text` as an SQL string literal (quotes doubled), so any file name is data."""
    return "'" + text.replace("'", "''") + "'"


def identifier(name: str) -> str:
    """`name` as a quoted SQL identifier: column names with spaces, quotes or Hangul."""
    return '"' + name.replace('"', '""') + '"'


def csv_options(delimiter: str) -> str:
    """read_csv's options for a CSV or TSV: the delimiter, RFC 4180 quoting given rather than
    sniffed (DuckDB otherwise tries every quote and escape on every column: 0.7 s for 1,000
    columns) and no comment character (else `ops#1@example.com` would lose its end)."""
    return f"delim = {literal(delimiter)}, quote = '\"', escape = '\"', comment = ''"


def relation_sql(path: Path, *, all_varchar: bool = False) -> str:
    """A table function reading `path`: `read_csv(…)` with the delimiter its suffix implies
    (every column as text when `all_varchar`: identifiers hide in columns DuckDB would read
    as numbers), or `read_parquet(…)`. Raises ValueError for a suffix that is not a table."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise ValueError(f"{path}: not a table (expected one of {', '.join(TABLE_SUFFIXES)})")
    delimiter = TABLE_SUFFIXES[suffix]
    if delimiter is None:
        return f"read_parquet({literal(str(path))})"
    options = f", {csv_options(delimiter)}" + (", all_varchar = true" if all_varchar else "")
    return f"read_csv({literal(str(path))}{options})"
