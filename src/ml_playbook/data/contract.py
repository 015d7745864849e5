"""One contract for every table a model meets: the hand-made example files — each file-backed
test set of params.yaml `test_sets` (the golden set) and the examples `release verify` replays —
are held to the feature table's contract by `validate`, the first stage that can check them,
rather than by whichever later command trips over them (`evaluate`, `predict`, `score`,
`release verify`, all of which need every feature of a row, as the service does).

So a feature is declared once — its column in the SQL, its name under `train`, a value rule
under `data.rules` if it has one — and the one other place it must then appear, the value of
each hand-made example, is named by validate before anything trains: the file and the column.
What else validate refuses here: a file that is missing or not a table, one with no rows, a
test set without the label, a value that breaks its column's rule or is empty.
"""

from pathlib import Path

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


def check_example_files(project) -> None:
    """Raise a ProjectError listing every problem of the example files, one line each."""
    params = project.params
    problems = []
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
        absent = [name for name in params.train.features if name not in frame.columns]
        if absent:
            problems.append(
                f"{where} has no column {', '.join(absent)}, which params.yaml train names: add "
                "it with a value for each example"
            )
        problems += _broken_values(frame, params, where)
    if problems:
        raise ProjectError(*problems)


def _broken_values(frame, params, where: str) -> list[str]:
    """Values of the contract's columns the file has that break their rule or are empty."""
    import pandera.pandas as pa

    columns = feature_schema(params).columns
    present = {name: column for name, column in columns.items() if name in frame.columns}
    schema = pa.DataFrameSchema(present, coerce=True, strict=False)
    try:
        schema.validate(frame.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as errors:
        return summarise(errors.failure_cases, where)
    return []
