"""The seam between the machinery and a model registry: what serving, release, monitoring and
evaluation need of one, and nothing more.

`MlflowRegistry` (registry/mlflow.py, the only module that imports MLflow) is the one a project
uses; `MemoryRegistry` (registry/memory.py) holds everything in the process, for tests. Either
can stand in for the other: the machinery sees only this protocol.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..errors import ProjectError

CHAMPION, CHALLENGER = "champion", "challenger"
# The range of each numeric feature in the training set, kept with a version's metrics
# (`training_range.monthly_fee.max`, recorded by `register`): the service flags or refuses a
# value outside it.
RANGE_METRIC = "training_range."


def training_ranges(metrics: dict[str, float]) -> dict[str, tuple[float, float]]:
    """feature -> (min, max) from a version's RANGE_METRIC metrics."""
    ends: dict[str, dict[str, float]] = {}
    for key, value in metrics.items():
        if key.startswith(RANGE_METRIC):
            feature, _, end = key[len(RANGE_METRIC) :].rpartition(".")
            ends.setdefault(feature, {})[end] = float(value)
    return {f: (e["min"], e["max"]) for f, e in ends.items() if {"min", "max"} <= e.keys()}


class RegistryError(ProjectError):
    """The registry cannot do what was asked: one line saying what is missing or broken."""


@dataclass(frozen=True)
class Candidate:
    """A trained model and everything its run records beside it."""

    model: object
    run_name: str
    params: dict[str, str] = field(default_factory=dict)  # flat: "train.model" -> "linear"
    metrics: dict[str, float] = field(default_factory=dict)
    example: object | None = None  # a few input rows (a DataFrame): the model's signature
    tags: dict[str, str] = field(default_factory=dict)  # git commit, data versions
    artifacts: list[Path] = field(default_factory=list)  # report folders attached to the run


@dataclass(frozen=True)
class ModelVersion:
    """One registered version of a model, as the registry knows it now."""

    name: str
    version: str
    run_id: str
    created_at: datetime  # UTC
    aliases: tuple[str, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)  # its run's


@dataclass(frozen=True)
class Run:
    """One logged run of a model's experiment."""

    run_id: str
    started_at: datetime  # UTC
    params: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Move:
    """One move of the champion alias: who moved it, when, from and to which version, why."""

    action: str  # promote, force-promote, rollback, auto-promote
    from_version: str | None
    to_version: str
    who: str
    at: str  # ISO 8601, UTC
    why: str
    evaluation: dict = field(default_factory=dict)


@runtime_checkable
class Registry(Protocol):
    """A model registry: runs, versions, aliases, and the record of champion's moves.

    Reading a model, version or alias that does not exist returns None or [] where the
    signature allows it, else raises RegistryError; a registry that cannot be read at all
    raises RegistryError naming it and what to do.

    A registry may also offer `revision() -> object | None`: a cheap sign (no query) that
    differs whenever an alias may have moved — the service reads it every second and looks
    the alias up only when it changed; without one, it looks up every `serve.poll_seconds`."""

    uri: str  # where it is, for messages
    local: bool  # a store of this checkout alone (where `register` may promote by itself)

    def register(self, name: str, candidate: Candidate) -> ModelVersion:
        """Log a run for `candidate` (params, metrics, tags, artifacts, the model) and
        register its model as a new version of `name`."""
        ...

    def versions(self, name: str) -> list[ModelVersion]:
        """Every version of `name` with its aliases and its run's metrics, newest first."""
        ...

    def version(self, name: str, version: str) -> ModelVersion:
        """One version; RegistryError if `name` has no such version."""
        ...

    def alias(self, name: str, alias: str) -> str | None:
        """The version `alias` points at, or None."""
        ...

    def set_alias(self, name: str, alias: str, version: str) -> None: ...

    def load(self, name: str, version: str) -> object:
        """The model of one version, ready to predict."""
        ...

    def load_uri(self, uri: str) -> object:
        """A model by the registry's own address for it (`models:/name/3`, `models:/name@alias`;
        MLflow also takes `runs:/<run id>/model`)."""
        ...

    def moves(self, name: str) -> list[Move]:
        """The recorded moves of champion, oldest first."""
        ...

    def record_move(self, name: str, move: Move) -> None:
        """Append `move` to the record (the alias itself is moved with set_alias)."""
        ...

    def attach(self, name: str, version: str, path: Path, folder: str) -> None:
        """Keep the file at `path` with the version's run, under `folder` (a model card)."""
        ...

    def runs(self, name: str) -> list[Run]:
        """Every run logged for `name`, oldest first."""
        ...
