"""One contract for every table a model meets: the hand-made example files — each file-backed
test set of params.yaml `test_sets` (the golden set) and the examples `release verify` replays —
checked against the features and value rules the feature table is held to, by `validate`, the
first stage that can, rather than by whichever later stage trips over them.

A hand-made example need not set every feature: one the file leaves out is scored as missing
(the model imputes it), and validate says so, naming the file and the column, so that adding a
feature to the SQL and params.yaml is all it takes. What is an error: a file that is missing or
not a table, a test set without the label, a column whose values break its rule.
"""

from pathlib import Path

import pandera.pandas as pa

from ..errors import ProjectError
from ..stage import read_table
from .schema import feature_schema, summarise


def example_files(params) -> dict[Path, list[str]]:
    """Each hand-made example file and what it is for, as a message names it (a file may be
    both a test set and the verify examples: the golden set is, by default)."""
    files: dict[Path, list[str]] = {}
    for spec in params.test_sets:
        if spec.file:
            files.setdefault(Path(spec.file), []).append(f"test set '{spec.name}'")
    files.setdefault(Path(params.release.verify_examples), []).append("release.verify_examples")
    return files


def check_example_files(project) -> list[str]:
    """Raise a ProjectError listing every problem of the example files; return the notes (a
    feature a file leaves out) for the stage to print."""
    params = project.params
    problems, notes = [], []
    for relative, roles in example_files(params).items():
        where = f"{relative} ({', '.join(roles)})"
        path = project.root / relative
        if not path.is_file():
            problems.append(f"{where} does not exist: add it or fix params.yaml")
            continue
        try:
            frame = read_table(path)
        except ProjectError as error:
            problems.append(f"{error.problems[0]} ({', '.join(roles)})")
            continue
        if frame.empty:
            problems.append(f"{where} has no rows: add examples or drop the entry")
            continue
        tests_a_model = any(role.startswith("test set") for role in roles)
        if tests_a_model and params.train.label not in frame.columns:
            problems.append(
                f"{where} has no column '{params.train.label}' (the label): a test set needs "
                "the answer of each example"
            )
        absent = ", ".join(name for name in params.train.features if name not in frame.columns)
        if absent and tests_a_model:
            notes.append(
                f"{relative} has no column {absent}: its examples are scored with it missing "
                "(the model imputes it); add the column to set it"
            )
        if absent and "release.verify_examples" in roles:
            notes.append(
                f"{relative} has no column {absent}: `release verify` cannot replay it against "
                "the service until the column is added"
            )
        problems += _broken_values(frame, params, where)
    if problems:
        raise ProjectError(*problems)
    return notes


def _broken_values(frame, params, where: str) -> list[str]:
    """Values of the columns the file has that break their rule (types, ranges, codes)."""
    columns = feature_schema(params).columns
    present = {name: column for name, column in columns.items() if name in frame.columns}
    schema = pa.DataFrameSchema(present, coerce=True, strict=False)
    try:
        schema.validate(frame.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as errors:
        return summarise(errors.failure_cases, where)
    return []
