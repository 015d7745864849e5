"""The gate of the pipeline's `register` stage: the run is logged with everything needed to
trust it, its model registered as `challenger`, and moved to `champion` when it meets the
launch criteria (release.launch) and beats the champion on `evaluate.primary_metric` by
`registry.promotion_margin` — by `register` itself
only where `release.auto_promote` lets it (by default on the project's own store alone; on a
shared registry the run is proposed, and `release promote` moves champion)."""

import hashlib
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..errors import ProjectError
from ..modeling.metrics import direction, is_better
from ..registry import (
    CHALLENGER,
    CHAMPION,
    RANGE_METRIC,
    Candidate,
    ModelVersion,
    Move,
    open_registry,
)
from ..registry.moves import actor, auto_promote_allowed, move_champion, now
from . import launch


@dataclass(frozen=True)
class Decision:
    """What `register` decided for one new version, as reports/registry.json keeps it."""

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


def flatten(mapping: Mapping, prefix: str = "") -> dict[str, str]:
    """Nested settings as one level of dotted names (`train.model` -> "linear"), each value
    as text: what a run's params hold."""
    flat = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def flat_params(params) -> dict[str, str]:
    """Every setting of params.yaml that is set, flat, for the run's params (an unset optional
    setting — a rule without a `max` — would only log the text "None")."""
    return flatten(params.model_dump(exclude_none=True))


def example_rows(project, frame, count: int = 5):
    """A few rows of `frame` as the model reads them (its features, numbers as floats): the
    signature MLflow logs with the model, so it declares the types the model was trained on."""
    from ..modeling import inputs

    train = project.params.train
    return inputs.features(frame.head(count), train.numeric_features, train.categorical_features)


def training_range_metrics(project) -> dict[str, float]:
    """The smallest and largest value of each numeric feature in the training set, as
    RANGE_METRIC metrics; none when the training set is not there to read."""
    import pandas as pd

    from ..project.paths import TRAINING_SET

    path = project.root / TRAINING_SET
    numeric = project.params.train.numeric_features
    if not path.is_file() or not numeric:
        return {}
    frame = pd.read_parquet(path, columns=numeric)
    ranges = {}
    for name in numeric:
        column = pd.to_numeric(frame[name], errors="coerce").dropna()
        if len(column):
            ranges[f"{RANGE_METRIC}{name}.min"] = float(column.min())
            ranges[f"{RANGE_METRIC}{name}.max"] = float(column.max())
    return ranges


def file_md5(path: Path) -> str:
    """The MD5 DVC records for a file, so a run names the exact data version it used."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "md5").hexdigest()
    except OSError as error:
        raise ProjectError(
            f"{path}: cannot be read ({error.strerror or type(error).__name__}), so the run "
            "cannot name its data version: run the pipeline (`dvc repro`) first"
        ) from None


def git_commit(root: Path) -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=False
        )
    except OSError:  # no git on this machine
        return "no-commit-yet"
    return done.stdout.strip() if done.returncode == 0 else "no-commit-yet"


def provenance_tags(root: Path, data_sets: Mapping[str, Path]) -> dict[str, str]:
    """The tags that tie a run to its code and data: the git commit, and for each data set
    (name -> path relative to `root`) its path and MD5."""
    tags = {"git_commit": git_commit(root)}
    for key, path in data_sets.items():
        tags[f"data.{key}.md5"] = file_md5(root / path)
        tags[f"data.{key}.path"] = Path(path).as_posix()
    return tags


def register(project, candidate: Candidate, registry=None) -> Decision:
    """Log a run for `candidate`, register its model as challenger, and make it champion if it
    beats the champion by the margin and `release.auto_promote` allows it here."""
    registry = registry if registry is not None else open_registry(project)
    params = project.params
    name, metric = params.registry.model_name, params.evaluate.primary_metric
    value = candidate.metrics.get(metric)
    if value is None:
        raise ProjectError(
            f"the run's metrics have no '{metric}' (evaluate.primary_metric), which the gate "
            "compares: run the evaluate stage (`dvc repro evaluate`) first"
        )
    candidate = replace(candidate, metrics={**training_range_metrics(project), **candidate.metrics})
    version = registry.register(name, candidate)
    registry.set_alias(name, CHALLENGER, version.version)
    decision = decide(project, registry, version, float(value))
    missed = launch.shortfalls(project, candidate.metrics)
    if decision.promoted and missed:
        decision = replace(
            decision,
            promoted=False,
            reason=f"{decision.reason}; below the launch criteria: {'; '.join(missed)} - it "
            "stays challenger",
        )
    return apply(project, registry, decision)


def decide(project, registry, version: ModelVersion, value: float) -> Decision:
    """Whether `version`, scoring `value` on the primary metric, beats the champion (the
    launch criteria are judged apart: `register`)."""
    params = project.params
    name, metric = params.registry.model_name, params.evaluate.primary_metric
    margin = params.registry.promotion_margin
    champion = registry.alias(name, CHAMPION)
    if champion is None:
        return Decision(
            name, version.version, version.run_id, metric, value, None, None, True, "first model"
        )
    champion_value = registry.version(name, champion).metrics.get(metric)
    if champion_value is None:
        promoted, reason = True, f"champion v{champion} has no {metric}"
    else:
        rule = project.primary_metric
        promoted = is_better(rule, value, champion_value, margin)
        reason = (
            f"{metric} {value:.4f} vs champion {champion_value:.4f} "
            f"({direction(rule)} is better, margin {margin})"
        )
    return Decision(
        name,
        version.version,
        version.run_id,
        metric,
        value,
        champion,
        champion_value,
        promoted,
        reason,
    )


def apply(project, registry, decision: Decision) -> Decision:
    """Move champion if the run won and `release.auto_promote` lets `register` do it on this
    registry; otherwise the run stays a proposed challenger."""
    if not decision.promoted:
        return decision
    if not auto_promote_allowed(project.params.release.auto_promote, registry.local):
        return replace(
            decision,
            promoted=False,
            reason=f"{decision.reason}; proposed as challenger: auto-promotion is off for this "
            f"registry, promote with `release promote {decision.version}`",
        )
    move = Move(
        "auto-promote", decision.champion_version, decision.version, actor(), now(), decision.reason
    )
    move_champion(registry, decision.model_name, move)
    return decision
