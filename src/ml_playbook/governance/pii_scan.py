"""Scan data sets and text files for personal data, with the detector of `pii`.

Tables (CSV, TSV, Parquet; see `tables`) are scanned in one DuckDB pass over the columns
that can hold text: for each column, one combined prefilter (RE2, a superset of every kind's
shape: an `@`, seven digits with separators, a dotted quad, two colons) counts the candidate
rows and keeps a uniform sample of `SAMPLE` of them. The full detector (`pii.find`, with the column name as context) then
runs in Python on each distinct sampled value. Counts are exact when a column has at most
`SAMPLE` candidates, else scaled from the sample. Columns typed as numbers with a fraction,
dates, times or booleans are skipped: they cannot hold a direct identifier.

Text files are read like the pre-commit hook reads them (`files.read_text`: regular files
only, UTF-8 or a UTF-16/32 byte-order mark, binaries skipped) and scanned line by line.
DuckDB is imported only for tables.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import files
from . import pii, tables

SAMPLE = 2000
TEXT_LIMIT = 256 * 1024 * 1024  # a text file larger than this is data: scan it as a table

_DIGIT = "[0-9\uff10-\uff19]"
_SEPARATOR = "[ ().\\-/\u2010-\u2015\u2212\uff0d\u3000\u00a0]"
# A superset of every kind's candidates, in RE2 syntax (DuckDB): the detector confirms.
PREFILTER = (
    f"@|{_DIGIT}(?:{_SEPARATOR}{{0,2}}{_DIGIT}){{6}}"
    f"|{_DIGIT}{{1,3}}\\.{_DIGIT}{{1,3}}\\.{_DIGIT}{{1,3}}\\.{_DIGIT}{{1,3}}"
    "|[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:"
)
# Column types that cannot hold a direct identifier (a CSV's types are sniffed by DuckDB).
_SKIPPED_TYPES = ("DOUBLE", "FLOAT", "REAL", "DECIMAL", "DATE", "TIME", "TIMESTAMP", "BOOLEAN",
                  "INTERVAL", "BLOB", "UUID")  # fmt: skip
_INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                  "UINTEGER", "UBIGINT", "UHUGEINT")  # fmt: skip


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


def _columns_to_scan(connection, path: Path) -> list[tuple[str, bool]]:
    """(name, is_integer) of each column that can hold personal data."""
    described = connection.execute(f"describe select * from {tables.relation_sql(path)}")
    columns = []
    for name, dtype, *_ in described.fetchall():
        if dtype.startswith(_SKIPPED_TYPES) or "[]" in dtype or dtype.startswith(("STRUCT", "MAP")):
            continue
        # A CSV is read as text whatever DuckDB sniffs: `0101234…` must keep its zero.
        integer = dtype in _INTEGER_TYPES and tables.TABLE_SUFFIXES[path.suffix.lower()] is None
        columns.append((name, integer))
    return columns


def scan_table(
    path: Path, allowlist: frozenset[str] = frozenset(), regions: tuple[str, ...] | None = None
) -> list[Finding]:
    import duckdb

    connection = duckdb.connect()
    connection.execute("set enable_progress_bar = false")  # `data scan --format json` is parsed
    try:
        columns = _columns_to_scan(connection, path)
        if not columns:
            return []
        candidate, measures = [], []
        for index, (name, integer) in enumerate(columns):
            column = tables.identifier(name)
            value = f"{column}::varchar" if integer else column
            # An integer with fewer than 7 digits is no identifier, nor is a negative one (and
            # abs() overflows on the smallest BIGINT); text goes through the prefilter.
            test = (
                f"{column} >= 1000000"
                if integer
                else f"regexp_matches({column}, {tables.literal(PREFILTER)})"
            )
            candidate.append(f"{value} as v{index}, coalesce({test}, false) as m{index}")
            measures.append(
                f"count(*) filter (where m{index}), arg_min(v{index}, random(), {SAMPLE}) "
                f"filter (where m{index})"
            )
        row = connection.execute(
            f"select {', '.join(measures)} from (select {', '.join(candidate)} "
            f"from {tables.relation_sql(path, all_varchar=True)})"
        ).fetchone()
    except duckdb.Error as error:
        raise ScanError(f"{path}: not a readable table ({str(error).splitlines()[0]})") from None
    finally:
        connection.close()
    findings = []
    for index, (name, _) in enumerate(columns):
        matched, sample = row[2 * index], row[2 * index + 1] or []
        if matched:
            findings += _confirm(path, name, matched, sample, allowlist, regions)
    return findings


def _confirm(path, column, matched, sample, allowlist, regions) -> list[Finding]:
    """The detector on each distinct sampled value; counts scaled to the candidate rows."""
    rows_with: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for cell, times in Counter(sample).items():
        if pii.INLINE_MARKER in cell:
            continue
        kinds = {}
        for found in pii.find(cell, allowlist, context=column, regions=regions):
            kinds.setdefault(found.kind, found.value)
        for kind, value in kinds.items():
            rows_with[kind] += times
            examples[kind] = min(examples.get(kind, value), value)  # stable from run to run
    return [
        Finding(
            str(path),
            kind,
            rows if matched <= len(sample) else max(1, round(matched * rows / len(sample))),
            pii.mask(examples[kind]),
            column=column,
        )
        for kind, rows in rows_with.items()
    ]


def scan_text(
    path: Path, allowlist: frozenset[str] = frozenset(), regions: tuple[str, ...] | None = None
) -> list[Finding]:
    try:
        text = files.read_text(str(path), TEXT_LIMIT)
    except files.Skip as skipped:
        raise ScanError(str(skipped)) from None
    if text is None:
        return []  # binary
    findings = []
    for number, line in enumerate(text.splitlines(), 1):
        if pii.INLINE_MARKER in line:
            continue
        kinds: Counter[str] = Counter()
        first: dict[str, str] = {}
        for match in pii.find(line, allowlist, regions=regions):
            kinds[match.kind] += 1
            first.setdefault(match.kind, match.value)
        for kind, count in kinds.items():
            findings.append(Finding(str(path), kind, count, pii.mask(first[kind]), line=number))
    return findings


def scan_path(
    path: Path, allowlist: frozenset[str] = frozenset(), regions: tuple[str, ...] | None = None
) -> Iterator[Finding]:
    """Findings for a table, a text file, or every regular file under a folder."""
    if not path.exists():
        raise ScanError(f"{path}: no such file or folder")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
    elif path.is_file():
        files = [path]
    else:
        raise ScanError(f"{path}: not a regular file or folder, so not scanned")
    for file in files:
        if file.stat().st_size == 0:
            continue
        if tables.is_table(file):
            yield from scan_table(file, allowlist, regions)
        else:
            yield from scan_text(file, allowlist, regions)
