"""Where a value sits, for the PII detector: its text with escapes decoded (and the way back
to the original offsets), and the header of the table column it is in.

Both are structure the detector reads besides the words just before a value: an access log
holds `email=kim%40example.com`, a web page `o&#x27;connor@example.com`, an HR export a
column `jumin` over `900101 1234567`.
"""

import re
from functools import lru_cache

# Runs of percent-escapes, and HTML character references.
_ENCODED = re.compile(
    r"(?:%[0-9A-Fa-f]{2})+|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|amp|quot|apos|lt|gt|nbsp);"
)
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
# A query string's value (`?ssn=123+45+6789`, `&email=kim+lee%40…`): a form encodes spaces as `+`.
_QUERY_VALUE = re.compile(r"[?&;][^=&\s]{1,64}=([^&\s\"'<>#]+)")
_DIGIT_PLUS_DIGIT = re.compile(r"[0-9]\+[0-9]")


def decoded(text: str) -> tuple[str, list[int]] | None:
    """`text` with its escapes decoded once, and for every character of the result (and its
    end) the offset in `text` it came from; None if `text` holds no escape.

    Decoded: percent-escapes (`%40`, `%EC%A3%BC`), HTML character references (`&#x27;`,
    `&#64;`, `&amp;`), and `+` as a space in a query string's value that is form-encoded
    (it holds a percent-escape, or `+` between digits: `ssn=123+45+6789`). Once: `%2540`
    becomes `%40`, never `@`. Escapes that do not spell UTF-8 stay as written, and so do
    escapes of control characters (`%0A` must not split a value from the words before it)."""
    if "%" not in text and "&" not in text and "+" not in text:
        return None
    changes: list[tuple[int, int, list[tuple[str, int]]]] = []  # (start, end, [(char, at)])
    for found in _ENCODED.finditer(text):
        if found.group()[0] == "%":
            changes.append((found.start(), found.end(), _percent_chars(text, found)))
        else:
            import html  # only here: its table of entities costs the hook 1.5 ms to import

            char = html.unescape(found.group())
            if len(char) == 1 and (char.isprintable() or char == "\u00a0"):
                changes.append((found.start(), found.end(), [(char, found.start())]))
    changes += [(at, at + 1, [(" ", at)]) for at in _form_spaces(text)]
    if not changes:
        return None
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for start, end, chars in sorted(changes):
        pieces.append(text[last:start])
        origin.extend(range(last, start))
        pieces.extend(char for char, _ in chars)
        origin.extend(at for _, at in chars)
        last = end
    pieces.append(text[last:])
    origin.extend(range(last, len(text) + 1))
    return "".join(pieces), origin


def _percent_chars(text: str, run: re.Match) -> list[tuple[str, int]]:
    """The characters a run of percent-escapes spells, each with its offset in `text`."""
    raw = bytes.fromhex(run.group().replace("%", ""))
    chars: list[tuple[str, int]] = []
    index = 0
    while index < len(raw):
        char, size = _utf8_char(raw, index)
        at = run.start() + 3 * index
        if char is None or not char.isprintable():
            chars.extend((text[i], i) for i in range(at, at + 3))
            index += 1
        else:
            chars.append((char, at))
            index += size
    return chars


def _form_spaces(text: str) -> list[int]:
    """Offsets of the `+` that stand for spaces in form-encoded query values."""
    if "+" not in text or ("=" not in text):
        return []
    spaces = []
    for found in _QUERY_VALUE.finditer(text):
        value = found.group(1)
        if "+" in value and (_ESCAPE.search(value) or _DIGIT_PLUS_DIGIT.search(value)):
            spaces += [found.start(1) + i for i, char in enumerate(value) if char == "+"]
    return spaces


def _utf8_char(raw: bytes, index: int) -> tuple[str | None, int]:
    """The character a UTF-8 sequence spells at `raw[index]`, and its length in bytes."""
    lead = raw[index]
    size = 1 if lead < 0x80 else 2 if lead >> 5 == 0b110 else 3 if lead >> 4 == 0b1110 else 4
    try:
        return raw[index : index + size].decode("utf-8"), size
    except UnicodeDecodeError:
        return None, 1


# ---------------------------------------------------------------------------------------
# Column headers: a value in a CSV, TSV or Markdown row, or an HTML table cell, is read with
# its column's header, as a table scan reads it with its column name.

_HTML_CELL = re.compile(r"<t[dh]\b", re.IGNORECASE)
# `[^<>]*`: an attempt ends at the next `<`, so `<th <th <th …` without a `>` stays linear.
_HTML_HEADER = re.compile(r"<th\b[^<>]*>([^<]*)", re.IGNORECASE)
HEADER_CHARS = 4096  # a header is looked for in this much text above the row, at most


class Columns:
    """The header of the column at an offset of `text`, found lazily: each line is read
    once to find its block's header line, however many values are looked up (linear time)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lower = text.lower() if "<" in text else ""
        self._top: dict[tuple[int, str], int] = {}  # (line start, delimiter) -> header start
        self._html_names: tuple[str, ...] | None = None

    def header_at(self, start: int) -> str:
        """The header of the table column `start` is in (lower case), or ``""``."""
        text = self._text
        if self._lower:
            row = self._lower.rfind("<tr", max(0, start - HEADER_CHARS), start)
            if row >= 0:
                return self._html_header(row, start)
        line_start = text.rfind("\n", 0, start) + 1
        if line_start == 0 or start - line_start > HEADER_CHARS:
            return ""  # the first line has no header above it; a long line is no table row
        line_end = text.find("\n", line_start, start + HEADER_CHARS)
        line_end = min(len(text), start + HEADER_CHARS) if line_end < 0 else line_end
        delimiter = next((d for d in _DELIMITERS if text.find(d, line_start, line_end) >= 0), None)
        if delimiter is None:
            return ""
        top = self._header_start(line_start, delimiter)
        if top == line_start:
            return ""
        names = _names(text[top : text.find("\n", top)], delimiter)
        index = _cell_index(text, line_start, start, delimiter)
        return names[index] if index < len(names) else ""

    def _header_start(self, line_start: int, delimiter: str) -> int:
        """The start of the first line of the block of lines holding `delimiter` that the line
        at `line_start` ends (at most HEADER_CHARS above it); each line walked once."""
        text = self._text
        walked = []
        top = line_start
        while (top, delimiter) not in self._top and top > 0 and line_start - top < HEADER_CHARS:
            above = text.rfind("\n", 0, top - 1) + 1
            if delimiter not in text[above : top - 1]:
                break
            walked.append(top)
            top = above
        top = self._top.get((top, delimiter), top)
        for line in walked:
            self._top[(line, delimiter)] = top
        self._top[(line_start, delimiter)] = top
        return top

    def _html_header(self, row: int, start: int) -> str:
        if self._html_names is None:
            self._html_names = html_header_names(self._text)
        index = len(_HTML_CELL.findall(self._text, row, start)) - 1
        names = self._html_names
        return names[index] if 0 <= index < len(names) else ""


class RowColumns:
    """The header of a cell of one row read on its own under its header line `above` (as
    `find_lines` reads a file): what Columns says of `above + "\n" + row`, without copying or
    reading the header again for every row (a long header, many rows: linear time)."""

    def __init__(self, above: str, row: str) -> None:
        self._above, self._row = above, row
        self._lower = row.lower() if "<" in row else ""

    def header_at(self, start: int) -> str:
        """The header of the column `start` (an offset in the row) is in, or ``""``."""
        row = self._row
        if self._lower:
            opened = self._lower.rfind("<tr", max(0, start - HEADER_CHARS), start)
            if opened >= 0:
                names = html_header_names(self._above) or html_header_names(row)
                index = len(_HTML_CELL.findall(row, opened, start)) - 1
                return names[index] if 0 <= index < len(names) else ""
        if start > HEADER_CHARS:
            return ""  # a long line is no table row
        end = min(len(row), start + HEADER_CHARS)
        delimiter = next((d for d in _DELIMITERS if row.find(d, 0, end) >= 0), None)
        if delimiter is None or not _holds(self._above, delimiter):
            return ""
        names = _names(self._above, delimiter)
        index = _cell_index(row, 0, start, delimiter)
        return names[index] if index < len(names) else ""


_DELIMITERS = ("|", "\t", ",", ";")


@lru_cache(maxsize=16)
def _holds(header: str, delimiter: str) -> bool:
    return delimiter in header


@lru_cache(maxsize=16)
def html_header_names(text: str) -> tuple[str, ...]:
    """The names of the first row of `<th>` cells in `text`, lower case. Cached: the rows of a
    file read line by line share one header line (the same string, whose hash Python keeps)."""
    lower = text.lower()
    first = _HTML_HEADER.search(text)
    row_of_headers = lower.rfind("<tr", 0, first.start()) if first else -1
    end = lower.find("</tr", row_of_headers) if row_of_headers >= 0 else -1
    if not first or end < 0:
        return ()
    return tuple(
        name.strip().lower() for name in _HTML_HEADER.findall(text, max(0, row_of_headers), end)
    )


@lru_cache(maxsize=16)
def _names(header: str, delimiter: str) -> tuple[str, ...]:
    """A header line's column names, lower case (the lines of one table share it)."""
    return tuple(name.strip().strip("\"'").lower() for name in _split(header, delimiter))


def _cell_index(text: str, line_start: int, start: int, delimiter: str) -> int:
    """The index of the cell a row (from `line_start`) is in at `start`: its delimiters
    counted in C, unless a quote may hold one (then the row is split)."""
    if text.find('"', line_start, start) >= 0:
        return len(_split(text[line_start:start], delimiter)) - 1
    count = text.count(delimiter, line_start, start)
    if delimiter == "|" and _OPENING_BAR.match(text, line_start):
        count -= 1  # | a | b |: the bar before the first cell opens the row
    return count


_OPENING_BAR = re.compile(r"[ \t]*\|")


def _split(line: str, delimiter: str) -> list[str]:
    """A row's cells, with double-quoted cells holding the delimiter kept whole."""
    cells, current, quoted = [], [], False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            cells.append("".join(current))
            current = []
            continue
        current.append(char)
    cells.append("".join(current))
    if delimiter == "|" and cells and not cells[0].strip():
        cells = cells[1:]  # | a | b |: the bar before the first cell opens the row
    return cells
