"""Scan data sets and text files for personal data, with the detector of `pii`.

Tables (CSV, TSV, Parquet; see `tables`) are scanned in one DuckDB pass over the columns
that can hold text, turned into one (column, value) row per candidate cell — UNPIVOT for a
few columns, each row's cells as one list for many (`WIDE`) — so the cost grows with cells,
not columns (benchmarks/pii.py: a 1,000 x 1,000 CSV within 2x of a 6-column one of its size,
where one aggregate per column took 34 s): one
combined prefilter (RE2, `PREFILTER`: a superset of what the detector can find, property-
tested against it) keeps the candidate cells, and per column DuckDB counts them and keeps a
uniform sample. The full detector (`pii.find`, with the column's name or path as context)
then runs in Python on each distinct sampled value. The sample is `SAMPLE` cells a column,
fewer in a table of more than `SAMPLE_CELLS / SAMPLE` columns (`SAMPLE_CELLS` in all, at
least `SAMPLE_MIN` a column), so the Python work is bounded whatever the width. Counts are
exact when a column has no more candidates than its sample, else scaled from the sample.
Columns typed as numbers with a fraction, dates, times or booleans are skipped: they cannot
hold a direct identifier.

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
SAMPLE_CELLS = 12_000  # sampled cells in all: a 6-column table's, spread over wider ones
SAMPLE_MIN = 12  # sampled cells of each column however wide the table
SAMPLE_VALUES = 100  # of the candidates one row holds under a list or map (memory stays bounded)
TEXT_LIMIT = 256 * 1024 * 1024  # a text file larger than this is data: scan it as a table

# A superset of every value the detector can find, in RE2 syntax (DuckDB), on the text as
# written (`pii.find` normalises full-width forms, odd spaces and dashes, and decodes percent-
# escapes and HTML character references first): an `@`; any percent-escape or character
# reference; seven digits with only a phone's, a card's or a registration number's
# separators between (a form's `+` too); a dotted quad; two colons four hex digits apart
# (IPv6); two letters and two digits starting fifteen letters, digits and single spaces (an
# IBAN, whose letters may break every digit run). tests/test_pii_prefilter.py checks it
# against the detector.
_DIGIT = "[0-9\uff10-\uff19]"
_SPACE = "[ \u00a0\u2000-\u200a\u202f\u205f\u3000]"
_SEPARATOR = (
    "[ ().+/\\-\u00a0\u2000-\u200a\u202f\u205f\u3000\u2010-\u2015\u2212\ufe58\ufe63\u30fc"
    "\u2043\u02d7\uff08\uff09\uff0b\uff0d\uff0e\uff0f]"
)
_LETTER = "[A-Za-z\uff21-\uff3a\uff41-\uff5a]"
_HEX = "[0-9A-Fa-f\uff10-\uff19\uff21-\uff26\uff41-\uff46]"
PREFILTER = (
    "[@\uff20]|%[0-9A-Fa-f]{2}|&#?[0-9A-Za-z]{1,8};"
    f"|{_DIGIT}(?:{_SEPARATOR}*{_DIGIT}){{6}}"
    f"|{_DIGIT}{{1,3}}[.\uff0e]{_DIGIT}{{1,3}}[.\uff0e]{_DIGIT}{{1,3}}[.\uff0e]{_DIGIT}{{1,3}}"
    f"|{_HEX}{{0,4}}[:\uff1a]{_HEX}{{0,4}}[:\uff1a]"
    f"|(?:^|[^0-9A-Za-z]){_LETTER}{{2}}{_DIGIT}{{2}}(?:{_SPACE}?(?:{_LETTER}|{_DIGIT})){{11}}"
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


def _leaves_to_scan(connection, path: Path) -> tuple[str, list[_Leaf]]:
    """The table to read (SQL), and each column, or each path inside a nested (Parquet)
    column, that can hold personal data."""
    delimiter = tables.TABLE_SUFFIXES[path.suffix.lower()]
    if delimiter is None:
        source = tables.relation_sql(path)
        relation = connection.sql(f"select * from {source}")
        leaves = []
        for name, dtype in zip(relation.columns, relation.types, strict=True):
            leaves += _leaves(path, name, tables.identifier(name), dtype, many=False)
        return source, leaves
    # A CSV is sniffed once, with the quoting tables.csv_options gives, then read as text
    # whatever DuckDB sniffs (`0101234…` must keep its zero), skipping columns sniffed as
    # fractions, dates, times or booleans.
    quoting = tables.csv_options(delimiter)
    # fetchall, not fetchone: a result left open blocks the connection's next query.
    [(has_header, columns)] = connection.execute(
        f"select HasHeader, Columns from sniff_csv({tables.literal(str(path))}, {quoting})"
    ).fetchall()
    as_text = ", ".join(f"{tables.literal(column['name'])}: 'VARCHAR'" for column in columns)
    source = (
        f"read_csv({tables.literal(str(path))}, {quoting}, header = {bool(has_header)}, "
        f"auto_detect = false, null_padding = true, columns = {{{as_text}}})"
    )
    leaves = [
        _Leaf(column["name"], tables.identifier(column["name"]), False, text=True, many=False)
        for column in columns
        if not column["type"].startswith(_SKIPPED_TYPES)
    ]
    return source, leaves


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


def _sample_size(leaves: int) -> int:
    """Cells sampled per column: `SAMPLE`, fewer in a wide table (`SAMPLE_CELLS` in all)."""
    return max(SAMPLE_MIN, min(SAMPLE, SAMPLE_CELLS // max(1, leaves)))


def _value(leaf: _Leaf, sql: str) -> str:
    return sql if leaf.text else f"{sql}::varchar"


WIDE = 64  # leaves from which a table's cells are unnested from a list, not unpivoted


def _cells(leaves: list[_Leaf], source: str, sample: int) -> str:
    """One query for the leaves of one value a row: the table turned into (place, value) rows
    of the prefilter's candidates (place: the leaf's index in `leaves`), then per place their
    count and a uniform sample. DuckDB's UNPIVOT is the faster way for a few columns; for
    many, a row's cells as one list whose candidates' places are unnested (UNPIVOT costs
    twice as much at 1,000 columns)."""
    # An integer below 1,000,000 (or negative) is no identifier: left NULL, never cast or
    # matched (UNPIVOT and the list filter drop NULLs).
    values = [
        f"case when {leaf.sql} >= 1000000 then {leaf.sql}::varchar end"
        if leaf.integer
        else _value(leaf, leaf.sql)
        for leaf in leaves
    ]
    prefilter = tables.literal(PREFILTER)
    if len(leaves) < WIDE:
        named = ", ".join(f'{value} as "{place}"' for place, value in enumerate(values))
        cells = (
            f"select place::integer as place, value from (unpivot (select {named} from {source}) "
            f"on columns(*) into name place value value) where regexp_matches(value, {prefilter})"
        )
    else:
        places = (
            f"list_filter(range({len(values)}), lambda i: regexp_matches(row[i + 1], {prefilter}))"
        )
        cells = (
            f"select place, row[place + 1] as value from (select row, unnest({places}) as place "
            f"from (select [{', '.join(values)}] as row from {source}))"
        )
    return (
        f"select place, count(*), arg_min(value, random(), {sample}) from ({cells}) group by place"
    )


def _lists(leaves: dict[int, _Leaf], source: str, sample: int) -> str:
    """One query for the leaves under a list or map: per leaf, how many rows hold a candidate
    there, and a uniform sample of those rows' lists of at most `SAMPLE_VALUES` candidates."""
    selected, measures = [], []
    for index, leaf in leaves.items():
        kept = f"list_filter({leaf.sql}, lambda x: regexp_matches({_value(leaf, 'x')}, "
        kept += f"{tables.literal(PREFILTER)}))"
        if not leaf.text:
            kept = f"list_transform({kept}, lambda x: {_value(leaf, 'x')})"
        selected.append(f"list_slice({kept}, 1, {SAMPLE_VALUES}) as v{index}")
        holds = f"len(v{index}) > 0"
        measures.append(
            f"count(*) filter (where {holds}), arg_min(v{index}, random(), {sample}) "
            f"filter (where {holds})"
        )
    return f"select {', '.join(measures)} from (select {', '.join(selected)} from {source})"


def scan_table(
    path: Path, allowlist: frozenset[str] = frozenset(), regions: tuple[str, ...] | None = None
) -> list[Finding]:
    import duckdb

    connection = duckdb.connect()
    connection.execute("set enable_progress_bar = false")  # `data scan --format json` is parsed
    measured: dict[int, tuple[int, list]] = {}  # leaf -> (candidate rows, sample)
    try:
        source, leaves = _leaves_to_scan(connection, path)
        sample = _sample_size(len(leaves))
        one = {index: leaf for index, leaf in enumerate(leaves) if not leaf.many}
        many = {index: leaf for index, leaf in enumerate(leaves) if leaf.many}
        if one:
            indexes = list(one)
            query = _cells(list(one.values()), source, sample)
            for place, matched, values in connection.execute(query).fetchall():
                measured[indexes[place]] = (matched, values)
        if many:
            row = connection.execute(_lists(many, source, sample)).fetchone()
            for position, index in enumerate(many):
                measured[index] = (row[2 * position], row[2 * position + 1] or [])
    except duckdb.Error as error:
        raise ScanError(f"{path}: not a readable table ({str(error).splitlines()[0]})") from None
    finally:
        connection.close()
    findings = []
    for index, leaf in enumerate(leaves):
        matched, values = measured.get(index, (0, []))
        if matched:
            findings += _confirm(path, leaf.name, matched, values, allowlist, regions)
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
    kinds: dict[int, Counter[str]] = {}
    first: dict[tuple[int, str], str] = {}
    for number, match in pii.find_lines(text, allowlist, regions=regions):
        kinds.setdefault(number, Counter())[match.kind] += 1
        first.setdefault((number, match.kind), match.value)
    return [
        Finding(str(path), kind, count, pii.mask(first[number, kind]), line=number)
        for number, counts in kinds.items()
        for kind, count in counts.items()
    ]


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
