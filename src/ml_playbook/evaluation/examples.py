"""Hand-made examples checked against what the model knows before it predicts, whatever form
they came in (`example_input` reads them).

The checks: every feature present, numbers that are numbers, and categories the model saw in
training (a one-hot model silently ignores one it never saw, so `countyr=KR` or `country=FR`
would pass unnoticed). In the typed forms (JSON, `field=value`) a field that is neither a
feature nor the label is an error too: it is most likely a typo. Each problem is one line
naming the row (item, line or example) and the field; every problem of every source is
reported at once.
"""

from difflib import get_close_matches
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ProjectError
from ..modeling.categories import category_values, known_categories, never_seen
from .example_input import Examples, read_all, shown

SHOWN = 5  # problems listed per field and kind; the rest are counted


def check_examples(frame: pd.DataFrame, train, model, source: str, unit: str = "row") -> None:
    """Raise one ProjectError listing every problem of `frame` as examples for `model`."""
    raise_problems(problems(Examples(frame, source, unit), train, model))


def problems(examples: Examples, train, model) -> list[str]:
    """Every problem of `examples` as input for `model`, one line each."""
    frame, source, unit = examples.frame, examples.source, examples.unit
    features = train.features
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
        per_row(unknown, column, f" {never_seen(values)}", column)
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
    for column, values in category_values(model).items():
        if column in frame.columns:
            originals = {str(value): value for value in values}
            frame[column] = frame[column].map(
                lambda value, originals=originals: originals.get(str(value), value)
            )
    return frame


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
