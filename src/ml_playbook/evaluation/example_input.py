"""Hand-made examples, read from any form a person writes them in: a CSV or Parquet table
(extra columns such as ids or notes are kept), a JSON file (an object, or a list of objects),
JSON Lines (an object a line), and `field=value` pairs typed on the command line
(`--example plan=basic,country=KR,...`: one example each; values are text until
`examples` gives them the feature's type from params.yaml `train`).

Malformed input (not JSON, not an object, a nested value, a field given twice, a pair without
`=`) is one line saying where; no parser runs on anything but a regular file.
"""

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import ProjectError
from ..governance.tables import is_table
from ..stage import read_table

JSON_SUFFIXES = {".json": "item", ".jsonl": "line", ".ndjson": "line"}  # suffix: what a row is
FORMATS = "CSV, Parquet, JSON or JSON Lines"
PAIR_SOURCE = "--example"


@dataclass(frozen=True)
class Examples:
    """Examples from one source; the frame's index is the row (item, line, example) number - 1."""

    frame: pd.DataFrame
    source: str  # how a message names where the examples came from
    unit: str  # what a message calls one example: row, item, line, example
    typed: bool = False  # typed by hand: fields other than the model's inputs and label are errors
    # Typed forms: True where an example lacks a field other examples have (a JSON null or an
    # empty `x=` is a value given as missing, not a field left out).
    absent: pd.DataFrame | None = None

    def where(self, row) -> str:
        """How a message names one example: `examples.json: item 2`, `--example 1`."""
        if self.source == PAIR_SOURCE:
            return f"{PAIR_SOURCE} {row + 1}"
        return f"{self.source}: {self.unit} {row + 1}"


def shown(value, limit: int = 60) -> str:
    """A value or a field name as a message quotes it: on one line, and not too long."""
    text = str(value)
    text = text if text.isprintable() else repr(text)[1:-1]
    return text if len(text) <= limit else f"{text[:limit]}…"


def read(path: Path) -> Examples:
    """Examples from a file: JSON or JSON Lines by the suffix, a table otherwise."""
    unit = JSON_SUFFIXES.get(path.suffix.lower())
    if unit is None:
        if path.is_file() and not is_table(path):
            raise ProjectError(f"{path}: unsupported format; give a {FORMATS} file")
        frame = read_table(path)
        if frame.empty:
            raise ProjectError(f"{path}: no examples in it (a header without rows?)")
        return Examples(frame, str(path), "row", typed=False)
    if not path.is_file():
        what = "not a regular file" if path.exists() else "no such file"
        raise ProjectError(f"{path}: {what}; give a {FORMATS} file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProjectError(
            f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None
    if unit == "item":
        records = _json_records(_json_value(text, str(path)), str(path))
    else:
        records = {
            number: _json_object(
                _json_value(line, f"{path}: line {number}"), f"line {number}", path
            )
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        }
    return _frame(records, str(path), unit)


class _RepeatedKeyError(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple]) -> dict:
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _RepeatedKeyError(key)
        seen[key] = value
    return seen


class _NotJsonError(ValueError):
    """NaN, Infinity or a number too large for a float: Python reads them, JSON has none."""


def _refuse_constant(name: str):
    raise _NotJsonError(name)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotJsonError(text)
    return value


def _json_value(text: str, where: str):
    try:
        return json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_refuse_constant,
            parse_float=_finite,
        )
    except _NotJsonError as error:
        raise ProjectError(
            f"{where}: {shown(error)} is not a JSON number; write null for a missing value"
        ) from None
    except json.JSONDecodeError as error:
        raise ProjectError(
            f"{where}: not valid JSON (line {error.lineno} column {error.colno}: {error.msg})"
        ) from None
    except _RepeatedKeyError as error:
        raise ProjectError(
            f"{where}: field '{shown(error.key)}' is given twice in one object"
        ) from None
    except RecursionError:
        raise ProjectError(f"{where}: nested too deeply; give objects of field: value") from None
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        raise ProjectError(f"{where}: not valid JSON ({shown(error, 120)})") from None


def _json_records(value, where: str) -> dict[int, dict]:
    items = [value] if isinstance(value, dict) else value
    if not isinstance(items, list):
        raise ProjectError(f"{where}: give an object or a list of objects, not {_json_kind(value)}")
    return {
        number: _json_object(item, f"item {number}", where)
        for number, item in enumerate(items, start=1)
    }


def _json_object(value, name: str, where) -> dict:
    if not isinstance(value, dict):
        raise ProjectError(f"{where}: {name} is {_json_kind(value)}, not an object of field: value")
    for field, item in value.items():
        if isinstance(item, bool) or not isinstance(item, str | int | float | type(None)):
            raise ProjectError(
                f"{where}: {name}: {shown(field)} is {_json_kind(item)}; give a number or a text"
            )
    return value


def _json_kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    kinds = {dict: "an object", list: "a list", str: "a text"}
    return kinds.get(type(value), "a number")


def parse_pairs(texts: list[str]) -> Examples:
    """Examples typed as `field=value,field=value`, one per text; an empty value is missing."""
    records = {}
    for number, text in enumerate(texts, start=1):
        record = {}
        for pair in text.split(","):
            field, equals, value = pair.partition("=")
            field = field.strip()
            if not equals or not field:
                raise ProjectError(
                    f"{PAIR_SOURCE} {number}: '{shown(pair.strip())}' is not field=value; write "
                    "e.g. --example plan=basic,country=KR (`eval schema` lists the fields)"
                )
            if field in record:
                raise ProjectError(f"{PAIR_SOURCE} {number}: {shown(field)} is given twice")
            record[field] = value.strip() or None
        records[number] = record
    return _frame(records, PAIR_SOURCE, "example")


def _frame(records: dict[int, dict], source: str, unit: str) -> Examples:
    """One row per record, indexed by its number - 1, with the fields each record left out."""
    if not records:
        raise ProjectError(f"{source}: no examples in it")
    index = pd.Index([number - 1 for number in records])
    frame = pd.DataFrame.from_records(list(records.values()), index=index)
    if not len(frame.columns):
        frame = pd.DataFrame(index=index)
    absent = pd.DataFrame(False, index=index, columns=frame.columns)
    for number, record in records.items():
        if len(record) < len(frame.columns):  # only a record with fewer fields lacks one
            absent.loc[number - 1] = [column not in record for column in frame.columns]
    return Examples(frame, source, unit, typed=True, absent=absent)


def read_all(files: list[Path], pairs: list[str]) -> list[Examples]:
    """The examples of each file, then those typed as `field=value` texts (one source)."""
    sources = [read(path) for path in files] + ([parse_pairs(pairs)] if pairs else [])
    if not sources:
        raise ProjectError(
            f"no examples: give a {FORMATS} file, or --example field=value,… "
            "(`eval schema` lists the fields and their values)"
        )
    return sources
