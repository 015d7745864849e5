"""Scan data sets and text files for personal data, with the detector of `pii`.

Tables (CSV, TSV, Parquet; see `tables`) are scanned in one DuckDB pass over the columns
that can hold text: for each column, one combined prefilter (RE2, a superset of every kind's
shape: an `@`, seven digits with separators, a dotted quad, two colons) counts the candidate
rows and keeps a uniform sample of `SAMPLE` of them. The full detector (`pii.find`, with the
column's name or path as context) then runs in Python on each distinct sampled value. Counts are exact
when a column has at most `SAMPLE` candidates, else scaled from the sample. Columns typed as
numbers with a fraction, dates, times or booleans are skipped: they cannot hold a direct
identifier.

Nested Parquet columns are scanned at every depth, each scalar place in them as if it were a
column of its own, named by its path: `.field` into a struct, `[]` into a list's (or array's)
elements, `{key}` and `{value}` into a map's keys and values — `contact.emails[]`,
`orders[].items[].note`, `attrs{value}`, `groups[][]`. Below a list or map, a row's values
there are filtered by the same prefilter in DuckDB (lists of lists flattened) and the row
counts once, however many it holds; the sample keeps the first `SAMPLE_VALUES` candidates of
each sampled row, so memory stays bounded whatever the lists' length. A VARIANT column is
read as its text; a type the scan cannot look inside (a UNION, which no Parquet file holds)
is refused in one line naming the column, never passed over.

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
SAMPLE_VALUES = 100  # of the candidates one row holds under a list or map (memory stays bounded)
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


@dataclass(frozen=True)
class _Leaf:
    """A place in a table that holds scalar values: a column, or a path inside a nested one."""

    name: str  # as reported: `email`, `contact.emails[]`, `attrs{value}`
    sql: str  # the value in each row; with `many`, the list of values the row holds there
    integer: bool
    text: bool  # VARCHAR already (else cast)
    many: bool


def _leaves_to_scan(connection, path: Path) -> list[_Leaf]:
    """Each column, or each path inside a nested (Parquet) column, that can hold personal data."""
    relation = connection.sql(f"select * from {tables.relation_sql(path)}")
    parquet = tables.TABLE_SUFFIXES[path.suffix.lower()] is None
    leaves = []
    for name, dtype in zip(relation.columns, relation.types, strict=True):
        column = tables.identifier(name)
        if parquet:
            leaves += _leaves(path, name, column, dtype, many=False)
        elif not str(dtype).startswith(_SKIPPED_TYPES):
            # A CSV is read as text whatever DuckDB sniffs: `0101234…` must keep its zero.
            leaves.append(_Leaf(name, column, integer=False, text=True, many=False))
    return leaves


def _leaves(path: Path, name: str, sql: str, dtype, many: bool) -> Iterator[_Leaf]:
    """The scalar places under `sql` (of DuckDB type `dtype`), named by their path: `.field`
    into a struct, `[]` into a list's elements, `{key}` / `{value}` into a map's keys / values.
    Below the first list or map, `sql` is the flat list of every value the row holds there
    (lists of lists flattened), so one row counts once however many values it holds."""

    def each(body) -> str:
        # `body` applied to the value, or to every element of the list of values.
        return f"list_transform({sql}, lambda x: {body('x')})" if many else body(sql)

    kind = dtype.id
    if kind == "struct":
        for field, child in dtype.children:
            inner = each(lambda of, field=field: f"struct_extract({of}, {tables.literal(field)})")
            yield from _leaves(path, f"{name}.{field}", inner, child, many)
    elif kind in ("list", "array"):
        yield from _leaves(path, f"{name}[]", f"flatten({sql})" if many else sql,
                           dtype.children[0][1], many=True)  # fmt: skip
    elif kind == "map":
        for part, (_, child) in zip(("key", "value"), dtype.children, strict=True):
            inner = each(lambda of, part=part: f"map_{part}s({of})")
            yield from _leaves(path, f"{name}{{{part}}}", f"flatten({inner})" if many else inner,
                               child, many=True)  # fmt: skip
    elif kind == "union":
        raise ScanError(
            f"{path}: column {name} is a {dtype}, which the scan cannot read inside; "
            "store its members as struct fields to have them scanned"
        )
    elif not str(dtype).startswith(_SKIPPED_TYPES):
        integer = str(dtype) in _INTEGER_TYPES
        yield _Leaf(name, sql, integer, text=str(dtype) == "VARCHAR", many=many)


def _measure(index: int, leaf: _Leaf) -> tuple[str, str]:
    """(the inner select's columns, the outer aggregates) of one leaf: how many rows hold a
    candidate there, and a uniform sample of `SAMPLE` of their values (text, or lists of
    text of at most `SAMPLE_VALUES` candidates each)."""

    def value(sql: str) -> str:
        return sql if leaf.text else f"{sql}::varchar"

    def test(sql: str) -> str:
        # An integer with fewer than 7 digits is no identifier, nor is a negative one (and
        # abs() overflows on the smallest BIGINT); text goes through the prefilter.
        if leaf.integer:
            return f"{sql} >= 1000000"
        return f"regexp_matches({value(sql)}, {tables.literal(PREFILTER)})"

    if leaf.many:
        kept = f"list_filter({leaf.sql}, lambda x: {test('x')})"
        if not leaf.text:
            kept = f"list_transform({kept}, lambda x: {value('x')})"
        candidate = f"list_slice({kept}, 1, {SAMPLE_VALUES}) as v{index}"
        holds = f"len(v{index}) > 0"
    else:
        candidate = f"{value(leaf.sql)} as v{index}, coalesce({test(leaf.sql)}, false) as m{index}"
        holds = f"m{index}"
    return candidate, (
        f"count(*) filter (where {holds}), arg_min(v{index}, random(), {SAMPLE}) "
        f"filter (where {holds})"
    )


def scan_table(
    path: Path, allowlist: frozenset[str] = frozenset(), regions: tuple[str, ...] | None = None
) -> list[Finding]:
    import duckdb

    connection = duckdb.connect()
    connection.execute("set enable_progress_bar = false")  # `data scan --format json` is parsed
    try:
        leaves = _leaves_to_scan(connection, path)
        if not leaves:
            return []
        candidate, measures = zip(
            *(_measure(index, leaf) for index, leaf in enumerate(leaves)), strict=True
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
    for index, leaf in enumerate(leaves):
        matched, sample = row[2 * index], row[2 * index + 1] or []
        if matched:
            findings += _confirm(path, leaf.name, matched, sample, allowlist, regions)
    return findings


def _confirm(path, column, matched, sample, allowlist, regions) -> list[Finding]:
    """The detector on each distinct sampled value (a row's text, or the list of candidates a
    row holds under a list or map); counts scaled to the candidate rows."""
    rows_with: Counter[str] = Counter()
    examples: dict[str, str] = {}
    seen: dict[str, dict[str, str]] = {}  # text -> {kind: its first value}

    def kinds_in(cell: str) -> dict[str, str]:
        if cell not in seen:
            kinds = seen[cell] = {}
            if pii.INLINE_MARKER not in cell:
                for found in pii.find(cell, allowlist, context=column, regions=regions):
                    kinds.setdefault(found.kind, found.value)
        return seen[cell]

    for value, times in Counter(tuple(v) if isinstance(v, list) else v for v in sample).items():
        kinds: dict[str, str] = {}
        for cell in value if isinstance(value, tuple) else (value,):
            for kind, first in kinds_in(cell).items():
                kinds.setdefault(kind, first)
        for kind, first in kinds.items():
            rows_with[kind] += times
            examples[kind] = min(examples.get(kind, first), first)  # stable from run to run
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
