"""The MLflow side: log a run with everything needed to trust it, register the model, and
promote it from `challenger` to `champion` only when it beats the champion.

MLflow is imported here only (it takes seconds), so other stages stay fast.
"""

import os
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from ..config import Params
from ..paths import MLFLOW_ARTIFACTS, MLFLOW_STORE
from .metrics import direction, is_better

CHALLENGER, CHAMPION = "challenger", "champion"
# What the logged model needs to be loaded elsewhere: versions as installed from uv.lock.
# Passing them also spares MLflow inferring requirements in a subprocess (seconds).
MODEL_REQUIREMENTS = ("scikit-learn", "pandas", "numpy", "scipy", "skops")


@dataclass(frozen=True)
class Candidate:
    """A trained model and what its run records beside it."""

    model: object
    metrics: dict[str, float]
    example: pd.DataFrame  # a few input rows, from which the model signature is inferred
    tags: dict[str, str] = field(default_factory=dict)  # git commit, data versions
    artifacts: list[Path] = field(default_factory=list)  # report folders attached to the run


@dataclass(frozen=True)
class Decision:
    model_name: str
    version: str
    run_id: str
    metric: str
    value: float
    champion_version: str | None
    champion_value: float | None
    promoted: bool
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


def tracking_uri(root: Path) -> str:
    """MLFLOW_TRACKING_URI if set (a shared server), else the local store under the project."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{root / MLFLOW_STORE}"


def use_store(root: Path) -> str:
    """Point this process's MLflow at `root`'s store (or the shared server); return its URI.

    mlflow.set_tracking_uri also exports MLFLOW_TRACKING_URI for subprocesses, and
    `tracking_uri` reads that variable as "a shared server": a second project in the same
    process (a notebook, the test suite) would be sent to the first one's store. So the
    environment is left as it was."""
    import mlflow

    uri, before = tracking_uri(root), os.environ.get("MLFLOW_TRACKING_URI")
    mlflow.set_tracking_uri(uri)
    if before is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = before
    return uri


def flatten(mapping: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def register(params: Params, candidate: Candidate, root: Path) -> Decision:
    """Log a run for `candidate`, register its model as challenger, promote it if it wins."""
    import mlflow
    from mlflow.models import infer_signature
    from mlflow.tracking import MlflowClient

    uri = use_store(root)
    name = params.registry.model_name
    metric = params.evaluate.primary_metric
    _use_experiment(mlflow, name, root, local=uri.startswith("sqlite:///"))
    model, example = candidate.model, candidate.example

    with mlflow.start_run(run_name=f"{name}-{params.train.model}") as run:
        mlflow.log_params(flatten(params.model_dump()))
        mlflow.log_metrics(candidate.metrics)
        mlflow.set_tags(candidate.tags)
        for folder in candidate.artifacts:
            if folder.is_dir():
                mlflow.log_artifacts(str(folder), artifact_path=folder.name)
        logged = mlflow.sklearn.log_model(
            model,
            name="model",
            serialization_format="skops",  # a format that does not run code when loaded
            # Types skops will not load unless told: trusted, since this pipeline made the model.
            skops_trusted_types=_types_to_trust(model),
            # The signature carries the columns and their types. No input_example: MLflow would
            # load the model back and predict on it to check it (seconds), and the evaluate
            # stage has just scored this very model.
            signature=infer_signature(example, model.predict(example)),
            pip_requirements=[f"{dist}=={version(dist)}" for dist in MODEL_REQUIREMENTS],
            registered_model_name=name,
        )
    new_version = str(logged.registered_model_version)
    client = MlflowClient()
    client.set_registered_model_alias(name, CHALLENGER, new_version)
    decision = _decide(
        client, params, name, new_version, run.info.run_id, candidate.metrics[metric]
    )
    return _apply(client, params, decision, uri)


def _apply(client, params: Params, decision: Decision, uri: str) -> Decision:
    """Move champion if the run won and `release.auto_promote` lets `register` do it here (by
    default only on the local store); otherwise the run stays a proposed challenger."""
    from dataclasses import replace

    from ..release.record import Move, actor, auto_promote_allowed, move_champion, now

    if not decision.promoted:
        return decision
    if not auto_promote_allowed(params.release.auto_promote, uri):
        return replace(
            decision,
            promoted=False,
            reason=f"{decision.reason}; proposed as challenger: auto-promotion is off for this "
            f"registry, promote with `release promote {decision.version}`",
        )
    previous, new = decision.champion_version, decision.version
    move = Move("auto-promote", previous, new, actor(), now(), decision.reason)
    move_champion(client, decision.model_name, move)
    return decision


def _types_to_trust(model) -> list[str]:
    import skops.io

    return skops.io.get_untrusted_types(data=skops.io.dumps(model))


def _use_experiment(mlflow, name: str, root: Path, local: bool) -> None:
    if local and mlflow.get_experiment_by_name(name) is None:
        # Keep artifacts beside the local store, not wherever the command happened to run.
        mlflow.create_experiment(name, artifact_location=(root / MLFLOW_ARTIFACTS).as_uri())
    mlflow.set_experiment(name)


def _decide(client, params: Params, name: str, version: str, run_id: str, value: float) -> Decision:
    from mlflow.exceptions import MlflowException

    metric = params.evaluate.primary_metric
    margin = params.registry.promotion_margin
    try:
        champion = client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        champion = None
    if champion is None:
        return Decision(name, version, run_id, metric, value, None, None, True, "first model")
    champion_value = client.get_run(champion.run_id).data.metrics.get(metric)
    if champion_value is None:
        promoted, reason = True, f"champion v{champion.version} has no {metric}"
    else:
        promoted = is_better(params.task, metric, value, champion_value, margin)
        reason = (
            f"{metric} {value:.4f} vs champion {champion_value:.4f} "
            f"({direction(params.task, metric)} is better, margin {margin})"
        )
    return Decision(
        name, version, run_id, metric, value, champion.version, champion_value, promoted, reason
    )


def registry_state(root: Path, name: str) -> list[dict]:
    """Every version of the registered model with its aliases, newest first."""
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    use_store(root)
    client = MlflowClient()
    try:
        # The registered model holds the alias -> version map; versions found by search may not.
        aliases = client.get_registered_model(name).aliases
    except MlflowException:
        return []
    versions = client.search_model_versions(f"name = '{name}'")
    rows = []
    for model_version in sorted(versions, key=lambda v: int(v.version), reverse=True):
        run_metrics = client.get_run(model_version.run_id).data.metrics
        rows.append(
            {
                "version": str(model_version.version),
                "aliases": sorted(
                    a for a, v in aliases.items() if str(v) == str(model_version.version)
                ),
                "run_id": model_version.run_id,
                "metrics": run_metrics,
            }
        )
    return rows
