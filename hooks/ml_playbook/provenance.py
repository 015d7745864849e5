"""Data provenance records (data/sources/<name>.yml): read, check against the JSON Schema
shipped with this package, and find the record that covers a data path.

Used by the `check-data-records` hook (no data set enters git without a valid record) and
by the pipeline's gate (no training on a data set whose record is missing, invalid or not
signed off).
"""

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath

RECORDS_DIR = Path("data/sources")
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
        return any(
            target == PurePosixPath(p) or PurePosixPath(p) in target.parents
            for p in self.data.get("paths", [])
        )


@cache
def schema() -> dict:
    return json.loads(
        resources.files(__package__).joinpath("schemas/provenance.schema.json").read_text()
    )


def load_record(path: Path) -> Record:
    """The record at `path`, with a one-line problem per thing to fix (empty when valid)."""
    import yaml
    from jsonschema import Draft202012Validator

    record = Record(path)
    try:
        record.data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        record.problems.append(
            f"{path}: cannot be read as UTF-8 text ({error.__class__.__name__})."
        )
        return record
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        record.problems.append(f"{path}: not valid YAML{where}; fix the syntax.")
        return record
    if not isinstance(record.data, dict):
        record.problems.append(
            f"{path}: a record is a mapping of fields (name, paths, owner, ...)."
        )
        record.data = {}
        return record
    validator = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    for error in sorted(validator.iter_errors(_plain(record.data)), key=lambda e: list(e.path)):
        where = ".".join(str(part) for part in error.path) or "(top level)"
        record.problems.append(f"{path}: {where}: {error.message}.")
    if record.valid and record.data["name"] != path.stem:
        record.problems.append(
            f"{path}: name '{record.data['name']}' must match the file name '{path.stem}'."
        )
    return record


def _plain(value):
    """YAML reads unquoted dates as dates; the schema checks them as ISO strings."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.isoformat() if isinstance(value, date) else value


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
                    f"{record.path}: sign_off.decision is '{decision}'; a reviewer must approve "
                    f"it before {data_path} is used for training"
                )
    return problems
