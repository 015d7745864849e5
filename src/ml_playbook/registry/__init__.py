"""Model registries behind one protocol (`protocol.Registry`): MLflow for projects
(`mlflow.MlflowRegistry`), memory for tests (`memory.MemoryRegistry`); `moves` keeps the record
of champion's moves on either."""

from .protocol import (
    CHALLENGER,
    CHAMPION,
    RANGE_METRIC,
    Candidate,
    ModelVersion,
    Move,
    Registry,
    RegistryError,
    Run,
    training_ranges,
)

__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "RANGE_METRIC",
    "Candidate",
    "ModelVersion",
    "Move",
    "Registry",
    "RegistryError",
    "Run",
    "open_registry",
    "training_ranges",
]


def open_registry(project) -> Registry:
    """The project's registry: the one its spec names (tests), else MLflow at
    MLFLOW_TRACKING_URI or the project's local store."""
    if project.spec.registry is not None:
        return project.spec.registry(project)
    from .mlflow import MlflowRegistry

    return MlflowRegistry(project.root)
