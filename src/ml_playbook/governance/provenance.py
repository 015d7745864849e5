"""Data provenance records (data/sources/<name>.yml): read, check against the JSON Schema
shipped with this package, and find the record that covers a data path.

Used by the `check-data-records` hook (no data set enters git without a valid record) and
by the pipeline's gate (no training on a data set whose record is missing, invalid or not
signed off).
"""

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath

from ..files import NotRegular, Skip, clip, read_text, shown

RECORDS_DIR = Path("data/sources")
MAX_BYTES = 1024 * 1024  # a record is a page of YAML
# What git may hold under data/ that is not a data set: docs, DVC pointers, the records.
DATA_DIR_DOCS = {"README.md", ".gitignore", ".gitkeep"}


def is_data_metadata(path: str) -> bool:
    """A file under data/ that describes data rather than holding it (POSIX path)."""
    name = path.rsplit("/", 1)[-1]
    if name in DATA_DIR_DOCS or name.endswith(".dvc"):
        return True
    return path.startswith(RECORDS_DIR.as_posix() + "/") and name.endswith((".yml", ".yaml"))


@dataclass
class Record:
    path: Path
    data: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def signed_off(self) -> bool:
        return self.valid and self.data["sign_off"]["decision"] == "approved"

    def covers(self, data_path: str) -> bool:
        target = PurePosixPath(data_path)
        paths = self.data.get("paths")
        return isinstance(paths, list) and any(
            target == PurePosixPath(p) or PurePosixPath(p) in target.parents
            for p in paths
            if isinstance(p, str)
        )


@cache
def schema() -> dict:
    return json.loads(
        resources.files(__package__).joinpath("schemas/provenance.schema.json").read_text()
    )


def load_record(path: Path) -> Record:
    """The record at `path`, with a one-line problem per thing to fix (empty when valid).

    Whatever the file holds (not text, not YAML, an alias bomb, an impossible date), the
    answer is a record with problems, never an exception: one bad record must not stop the
    others from being checked.
    """
    from jsonschema import Draft202012Validator

    from . import safe_yaml  # imports yaml: only when a record is read

    record = Record(path)
    where = shown(str(path))
    try:
        text = read_text(str(path), MAX_BYTES)
        if text is None:
            raise Skip(f"{where}: a binary file, not a record; write it as YAML text.")
        data = safe_yaml.load(text)
    except NotRegular:
        record.problems.append(f"{where}: not a regular file; a record is a YAML file.")
        return record
    except Skip as unreadable:
        record.problems.append(str(unreadable))
        return record
    except safe_yaml.Refused as refused:
        record.problems.append(f"{where}: {refused}; fix the record.")
        return record
    if not isinstance(data, dict):
        record.problems.append(
            f"{where}: a record is a mapping of fields (name, paths, owner, ...)."
        )
        return record
    record.data = data
    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path]):
        field_path = clip(".".join(str(part) for part in error.path)) or "(top level)"
        record.problems.append(f"{where}: {field_path}: {clip(error.message, 200)}.")
    if record.valid and data["name"] != path.stem:
        record.problems.append(
            f"{where}: name '{data['name']}' must match the file name '{clip(path.stem)}'."
        )
    return record


def load_records(root: Path = Path(".")) -> list[Record]:
    folder = root / RECORDS_DIR
    return [load_record(path) for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])]


def gate(data_paths: list[str], root: Path = Path(".")) -> list[str]:
    """Why each data path may not be trained on: no record, an invalid one, or no sign-off."""
    records = load_records(root)
    problems = []
    for data_path in data_paths:
        covering = [record for record in records if record.covers(data_path)]
        if not covering:
            problems.append(
                f"{data_path}: no provenance record covers it; add {RECORDS_DIR}/<name>.yml "
                "(docs/checklists/data-provenance.md)"
            )
        for record in covering:
            problems.extend(record.problems)
            if record.valid and not record.signed_off:
                decision = record.data["sign_off"]["decision"]
                problems.append(
                    f"{shown(str(record.path))}: sign_off.decision is '{decision}'; a reviewer must approve "
                    f"it before {data_path} is used for training"
                )
    return problems
