"""Hand-made examples, read from any form a person writes them in and checked against what the
model knows before it predicts.

Forms: a CSV or Parquet table (extra columns such as ids or notes are kept), a JSON file (an
object, or a list of objects), JSON Lines (an object a line), and `field=value` pairs typed on
the command line (`--example plan=basic,country=KR,...`: one example each, values are text and
take the feature's type from params.yaml `train`). In the typed forms (JSON, pairs) a field
that is neither a feature nor the label is an error: it is most likely a typo.

The checks: every feature present, numbers that are numbers, and categories the model saw in
training (a one-hot model silently ignores one it never saw, so `countyr=KR` or `country=FR`
would pass unnoticed). Each problem is one line naming the row (item, line or example) and the
field; every problem of every source is reported at once.
"""

import json
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ProjectError

JSON_SUFFIXES = {".json": "item", ".jsonl": "line", ".ndjson": "line"}  # suffix: what a row is
FORMATS = "CSV, Parquet, JSON or JSON Lines"
PAIR_SOURCE = "--example"
SHOWN = 5  # problems listed per field and kind; the rest are counted


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


def _category_values(model) -> dict[str, list]:
    """The values of each categorical feature the model was trained on (its one-hot encoder)."""
    preprocess = getattr(model, "steps", [(None, None)])[0][1]
    known = {}
    for _, transformer, columns in getattr(preprocess, "transformers_", []):
        categories = getattr(transformer, "categories_", None)
        if categories is not None:
            known |= {
                column: list(values) for column, values in zip(columns, categories, strict=True)
            }
    return known


def known_categories(model) -> dict[str, list[str]]:
    """The values of each categorical feature the model knows, as text."""
    return {
        column: [str(value) for value in values]
        for column, values in _category_values(model).items()
    }


# -- reading ---------------------------------------------------------------------------------


def read(path: Path) -> Examples:
    """Examples from a file: JSON or JSON Lines by the suffix, a table otherwise."""
    unit = JSON_SUFFIXES.get(path.suffix.lower())
    if unit is None:
        from ml_playbook.tables import is_table

        from ..stages import read_table

        if path.is_file() and not is_table(path):
            raise ProjectError(f"{path}: unsupported format; give a {FORMATS} file")
        return Examples(read_table(path), str(path), "row", typed=False)
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


def _json_value(text: str, where: str):
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
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


# -- checking --------------------------------------------------------------------------------


def check_examples(frame: pd.DataFrame, train, model, source: str, unit: str = "row") -> None:
    """Raise one ProjectError listing every problem of `frame` as examples for `model`."""
    raise_problems(problems(Examples(frame, source, unit), train, model))


def problems(examples: Examples, train, model) -> list[str]:
    """Every problem of `examples` as input for `model`, one line each."""
    frame, source, unit = examples.frame, examples.source, examples.unit
    features = train.numeric_features + train.categorical_features
    found = []

    def per_row(mask, head: str, tail: str = "", value_of: str | None = None) -> None:
        """A line for each of the first rows where `mask` holds (quoting the row's value of
        `value_of` after `head`), then a count of the rest."""
        hits = frame.index[np.asarray(mask, dtype=bool)]
        for row in hits[:SHOWN]:
            value = f" '{shown(frame.at[row, value_of])}'" if value_of is not None else ""
            found.append(f"{examples.where(row)}: {head}{value}{tail}")
        if len(hits) > SHOWN:
            found.append(f"{source}: {len(hits) - SHOWN} more {unit}s like the ones above")

    field = "field" if examples.typed else "column"
    for column in features:
        if column not in frame.columns:
            found.append(
                f"{source}: no {field} '{column}' (the model needs it)"
                + _close(column, [c for c in frame.columns if c not in features])
            )
    if examples.typed:
        absent = examples.absent
        for column in (c for c in frame.columns if c not in {*features, train.label}):
            hint = _close_to(str(column), [*features, train.label]) or (
                f" (the model reads {', '.join(features)}; the label is {train.label})"
            )
            per_row(~absent[column], f"unknown field '{shown(column)}'", hint)
        for column in (c for c in features if c in frame.columns):
            per_row(absent[column], f"no field '{column}' (the model needs it)")
    for column in (c for c in train.numeric_features if c in frame.columns):
        bad = frame[column].notna() & ~np.isfinite(as_numbers(frame[column]))
        per_row(bad, column, " is not a number", value_of=column)
    for column, values in known_categories(model).items():
        if column not in frame.columns:
            continue
        given = ~examples.absent[column] if examples.absent is not None else True
        known = ", ".join(shown(value, 40) for value in values)
        per_row(frame[column].isna() & given, f"{column} is empty (one of: {known})")
        unknown = frame[column].notna() & ~frame[column].astype(str).isin(values)
        per_row(unknown, column, f" was never seen in training (known: {known})", column)
    return found


def as_numbers(values: pd.Series) -> pd.Series:
    """`values` as floats; what is not a number (or too large for one) becomes NaN."""
    try:
        return pd.to_numeric(values, errors="coerce").astype("float64")
    except (OverflowError, TypeError, ValueError):  # e.g. a JSON integer of 400 digits
        return values.map(_as_number).astype("float64")


def _as_number(value) -> float:
    try:
        return float(value)
    except (OverflowError, TypeError, ValueError):
        return float("nan")


def _close_to(name: str, candidates: list[str]) -> str:
    """' (did you mean x?)' for a name close to one of `candidates` (a typo), else ''."""
    hint = get_close_matches(name[:100], candidates, n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


def _close(column: str, others: list) -> str:
    """'; it has x' for an unused column close to a missing one (a typo in the header)."""
    hint = get_close_matches(column, [str(c)[:100] for c in others], n=1)
    return f"; it has '{shown(hint[0])}'" if hint else ""


def raise_problems(found: list[str]) -> None:
    if found:
        raise ProjectError(*found)


def conform(frame: pd.DataFrame, train, model) -> pd.DataFrame:
    """Checked examples in the types the model was trained on: numbers as numbers, each
    category as the value the encoder knows (`1` typed as text matches a category 1)."""
    frame = frame.copy()
    for column in (c for c in train.numeric_features if c in frame.columns):
        frame[column] = as_numbers(frame[column])
    if train.label in frame.columns:
        numbers = as_numbers(frame[train.label])
        if numbers.notna().sum() == frame[train.label].notna().sum():
            frame[train.label] = numbers
    for column, values in _category_values(model).items():
        if column in frame.columns:
            originals = {str(value): value for value in values}
            frame[column] = frame[column].map(
                lambda value, originals=originals: originals.get(str(value), value)
            )
    return frame


def read_all(files: list[Path], pairs: list[str]) -> list[Examples]:
    """The examples of each file, then those typed as `field=value` texts (one source)."""
    sources = [read(path) for path in files] + ([parse_pairs(pairs)] if pairs else [])
    if not sources:
        raise ProjectError(
            f"no examples: give a {FORMATS} file, or --example field=value,… "
            "(`eval schema` lists the fields and their values)"
        )
    return sources


def checked(sources: list[Examples], train, model) -> pd.DataFrame:
    """Every example of `sources`, in order, checked and conformed for `model`; every problem
    of every source is reported at once, one line each."""
    raise_problems([line for source in sources for line in problems(source, train, model)])
    frames = [conform(source.frame, train, model) for source in sources]
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    return pd.concat(frames, ignore_index=True)


def gather(files: list[Path], pairs: list[str], train, model) -> pd.DataFrame:
    """The examples of the files and the `field=value` texts, checked and conformed."""
    return checked(read_all(files, pairs), train, model)
