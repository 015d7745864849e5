"""Scan data sets and text files for personal data, with the detectors of `pii`.

Tables (Parquet, CSV) are scanned column by column in DuckDB: one vectorised pass counts,
for every text column and every kind, the rows whose value matches the kind's pattern.
The full detector (validators, context, allowlist) then runs in Python on a sample of the
distinct matching cells, and the count is scaled by the share that holds the kind. Text files are scanned line
by line. DuckDB is imported only for tables.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from . import pii

TABLE_SUFFIXES = {".parquet", ".pq", ".csv", ".tsv"}
VALIDATION_SAMPLE = 2000


@dataclass(frozen=True)
class Finding:
    path: str
    kind: str
    count: int
    example: str  # masked
    column: str | None = None
    line: int | None = None

    def as_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value is not None}


class ScanError(Exception):
    """The file cannot be scanned; the message says why and what to do."""


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader(path: Path) -> str:
    if path.suffix in {".csv", ".tsv"}:
        # every column as text: identifiers hide in columns DuckDB would read as numbers
        return f"read_csv({_literal(str(path))}, all_varchar = true)"
    return f"read_parquet({_literal(str(path))})"


def scan_table(path: Path, allowlist: frozenset[str] = frozenset()) -> list[Finding]:
    import duckdb

    connection = duckdb.connect()
    try:
        described = connection.execute(f"describe select * from {_reader(path)}").fetchall()
    except duckdb.Error as error:
        raise ScanError(f"{path}: not a readable table ({str(error).splitlines()[0]})") from None
    text_columns = [name for name, dtype, *_ in described if dtype == "VARCHAR"]
    if not text_columns:
        return []
    pairs = [(column, kind) for column in text_columns for kind in pii.KINDS]
    counts = connection.execute(
        "select "
        + ", ".join(
            f"count(*) filter (where regexp_matches({_quote(c)}, {_literal(k.pattern)}))"
            for c, k in pairs
        )
        + f" from {_reader(path)}"
    ).fetchone()
    findings = []
    for (column, kind), matched in zip(pairs, counts, strict=True):
        if matched:
            finding = _confirm(connection, path, column, kind, matched, allowlist)
            if finding:
                findings.append(finding)
    return findings


def _confirm(connection, path, column, kind, matched, allowlist) -> Finding | None:
    """Run the full detector (validators, context, allowlist) on a sample of the distinct
    matching cells; scale the count by the share that holds this kind."""
    sample = connection.execute(
        f"select distinct {_quote(column)} from {_reader(path)} "
        f"where regexp_matches({_quote(column)}, {_literal(kind.pattern)}) "
        f"limit {VALIDATION_SAMPLE}"
    ).fetchall()
    hits = [
        [found.value for found in pii.find(cell, allowlist) if found.kind == kind.name]
        for (cell,) in sample
        if pii.INLINE_MARKER not in cell
    ]
    cells_with_kind = [values for values in hits if values]
    if not cells_with_kind:
        return None
    count = max(1, round(matched * len(cells_with_kind) / len(sample)))
    return Finding(str(path), kind.name, count, pii.mask(cells_with_kind[0][0]), column=column)


def scan_text(path: Path, allowlist: frozenset[str] = frozenset()) -> list[Finding]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScanError(f"{path}: not UTF-8 text; save it as UTF-8 to scan it") from None
    findings = []
    for number, line in enumerate(text.splitlines(), 1):
        if pii.INLINE_MARKER in line:
            continue
        kinds = Counter()
        first = {}
        for match in pii.find(line, allowlist):
            kinds[match.kind] += 1
            first.setdefault(match.kind, match.value)
        for kind, count in kinds.items():
            findings.append(Finding(str(path), kind, count, pii.mask(first[kind]), line=number))
    return findings


def scan_path(path: Path, allowlist: frozenset[str] = frozenset()) -> Iterator[Finding]:
    """Findings for a table, a text file, or every file under a folder."""
    if not path.exists():
        raise ScanError(f"{path}: no such file or folder")
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if file.stat().st_size == 0:
            continue
        if file.suffix.lower() in TABLE_SUFFIXES:
            yield from scan_table(file, allowlist)
        elif not _is_binary(file):
            yield from scan_text(file, allowlist)


def _is_binary(path: Path) -> bool:
    """A NUL byte in the first 8 KB, read without loading the whole file."""
    with path.open("rb") as handle:
        return b"\0" in handle.read(8192)
