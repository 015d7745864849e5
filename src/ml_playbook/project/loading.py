"""Reading params.yaml: one file, safely parsed, checked against the project's Params model with
the project's own metrics known; every mistake is one line naming the setting."""

from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import ProjectError
from ..governance import safe_yaml


def load_params(
    path: Path,
    model: type[BaseModel],
    overrides: dict | None = None,
    metrics: dict | None = None,
    named: bool = False,
) -> BaseModel:
    """`path` checked as `model`; dotted `overrides` (`train.model: linear`) go on top.
    `metrics`, the catalogue of every task, is what the metric settings may name; `named`: the
    user gave the path (--params), rather than the project's params.yaml being looked for."""
    try:
        raw = safe_yaml.load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        if named:
            raise ProjectError(f"{path} not found: give an existing params file.") from None
        raise ProjectError(f"{path} not found: run the command from the project folder.") from None
    except IsADirectoryError:
        raise ProjectError(f"{path} is a folder: give the params file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProjectError(
            f"{path} cannot be read as UTF-8 text ({error.__class__.__name__})."
        ) from None
    except safe_yaml.Refused as error:
        raise ProjectError(f"{path}: {error}; fix the file.") from None
    if not isinstance(raw, dict):
        raise ProjectError(f"{path} must be a mapping of sections (task, sql, train, ...).")
    for dotted, value in (overrides or {}).items():
        _set_dotted(raw, dotted, value)
    try:
        return model.model_validate(raw, context={"metrics": metrics} if metrics else None)
    except ValidationError as error:
        raise ProjectError(f"{path.name}: {first_problem(error)}.") from None


def first_problem(error: ValidationError) -> str:
    """A pydantic error as one line: where, what, and how many more there are."""
    first = error.errors()[0]
    where = ".".join(map(str, first["loc"]))
    message = first["msg"].removeprefix("Value error, ")
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where + ': ' if where else ''}{message}{more}"


def _set_dotted(mapping: dict, dotted: str, value: object) -> None:
    *parents, leaf = dotted.split(".")
    for key in parents:
        mapping = mapping.setdefault(key, {})
        if not isinstance(mapping, dict):
            raise ProjectError(f"cannot set {dotted}: {key} is not a section of params.yaml.")
    mapping[leaf] = value
