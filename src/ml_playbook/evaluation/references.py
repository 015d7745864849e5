"""Which model a command means: a model file, or a version in the project's registry named any
way a person would name it.

    models/model.joblib           a file the pipeline wrote (any path to a joblib file)
    champion, challenger          the version an alias points at now
    champion@2025-01-31           the version that was champion at the end of that day (UTC),
                                  read from the registry's record of champion's moves
    v3, 3                         version 3 of the project's registered model
    models:/name/3, models:/name@alias, runs:/id/model
                                  the registry's own address of a model
    baseline                      the one-feature model the launch criteria compare with,
                                  fitted on the training set now (evaluation.baseline)

A registry version is loaded in this environment; its logged requirements say what it was
trained with (docs/process.md, question 23, says what to do when they no longer install).
"""

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ProjectError
from ..registry import CHAMPION, RegistryError, open_registry
from ..registry.moves import champion_on, parse_moment, version_number

DATED = "@"  # alias@date: the version the alias pointed at on that date
BASELINE = "baseline"
MODEL_SUFFIXES = {".joblib", ".pkl", ".skops"}


@dataclass(frozen=True)
class Reference:
    """A resolved model reference: what the user typed, and what it points at — a file, a
    version or an alias of the project's registered model, or a registry URI."""

    text: str
    uri: str | None = None  # the registry's address; None for a file
    path: Path | None = None
    name: str | None = None  # the registered model, for a version or an alias
    version: str | None = None
    alias: str | None = None
    baseline: bool = False  # the baseline, fitted on the training set when loaded

    @property
    def label(self) -> str:
        return (
            self.text if self.uri is None or self.uri == self.text else f"{self.text} ({self.uri})"
        )


@dataclass(frozen=True)
class LoadedReference:
    reference: Reference
    model: object


def resolve(project, text: str, registry=None) -> Reference:
    """The model `text` names (see the module docstring). The registry (default: the
    project's) is read only for champion@DATE, from its record of champion's moves."""
    name = project.params.registry.model_name
    text = text.strip()
    if not text:
        raise ProjectError("an empty model reference: give a file, an alias or a version")
    if text.startswith(("models:/", "runs:/")):
        return Reference(text, uri=text)
    if text == BASELINE:
        return Reference(text, baseline=True)
    for candidate in (project.root / text, Path(text)):
        if candidate.is_file():
            return Reference(text, path=candidate.resolve())
    if "/" in text or Path(text).suffix in MODEL_SUFFIXES:
        raise ProjectError(
            f"{text}: no such model file; train one (`make pipeline`) or name a registry "
            "version (champion, v3, champion@YYYY-MM-DD)"
        )
    if version_number(text).isdigit():
        version = version_number(text)
        return Reference(text, uri=f"models:/{name}/{version}", name=name, version=version)
    alias, dated, when = text.partition(DATED)
    if not alias.replace("-", "_").isidentifier():
        raise ProjectError(
            f"'{text}' is not a model file, a version (v3), an alias (champion) or "
            "champion@YYYY-MM-DD"
        )
    if not dated:
        return Reference(text, uri=f"models:/{name}@{alias}", name=name, alias=alias)
    if alias != CHAMPION:
        raise ProjectError(
            f"'{text}': only champion's moves are recorded, so only champion@DATE resolves"
        )
    version = _champion_version(registry or open_registry(project), name, when)
    return Reference(text, uri=f"models:/{name}/{version}", name=name, version=version)


def _champion_version(registry, name: str, when: str) -> str:
    moment = parse_moment(when)
    moves = registry.moves(name)
    version = champion_on(moves, moment)
    if version is None:
        first = min((move.at for move in moves), default=None)
        since = f"the first recorded move is {first}" if first else "no move is recorded yet"
        raise ProjectError(
            f"'{name}' had no champion on {when}: {since} in the registry's record of "
            "champion moves (`make registry` shows the aliases now)"
        )
    return version


def load(project, text: str, registry=None) -> LoadedReference:
    """The model `text` names, loaded; a reference the registry does not know is one line
    starting `cannot load <reference>`."""
    reference = resolve(project, text, registry)
    if reference.baseline:
        from ..project.paths import TRAINING_SET
        from ..stage import read_parquet
        from .baseline import fit_baseline

        fitted = fit_baseline(project, read_parquet(project.root, TRAINING_SET, "split"))
        return LoadedReference(
            replace(reference, text=f"baseline: {fitted.description}"), fitted.model
        )
    if reference.path is not None:
        from ..stage import load_model

        return LoadedReference(reference, load_model(project.root, reference.path))
    registry = registry or open_registry(project)
    try:
        return LoadedReference(reference, _load(registry, reference))
    except RegistryError as error:
        problem = error.problems[0] if error.problems else str(error)
        if not problem.startswith("cannot load"):
            problem = f"cannot load {reference.label}: {problem}"
        raise ProjectError(problem) from None


def _load(registry, reference: Reference) -> object:
    name, version = reference.name, reference.version
    if reference.alias is not None:
        version = registry.alias(name, reference.alias)
        if version is None:
            raise RegistryError(
                f"no version of '{name}' is {reference.alias} in {registry.uri} "
                "(`make registry` lists the versions and aliases)"
            )
    if version is None:
        return registry.load_uri(reference.uri)
    registry.version(name, version)  # a version the registry lacks: its own one-line error
    return registry.load(name, version)
