"""Moves of the `champion` alias: promote through the quality gate, roll back to the previous
champion, and a record of every move (who, when, from and to which version, why) kept as tags
of the registered model, so the registry itself holds the history wherever it runs."""

import getpass
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..config import Params
from ..errors import ProjectError

CHAMPION, CHALLENGER = "champion", "challenger"
TAG_PREFIX = "release."
# CI systems name who started a job in these variables; a person at a terminal is the user.
ACTOR_VARIABLES = ("GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_REQUESTEDFOR", "USER")


@dataclass(frozen=True)
class Move:
    action: str  # promote, force-promote, rollback, auto-promote
    from_version: str | None
    to_version: str
    who: str
    at: str  # ISO 8601, UTC
    why: str
    evaluation: dict = field(default_factory=dict)


def is_local_store(uri: str) -> bool:
    return uri.startswith("sqlite:///") or uri.startswith("file:")


def auto_promote_allowed(rule: str, uri: str) -> bool:
    """May `register` move champion by itself? ("local": only on the embedded store.)"""
    return rule == "always" or (rule == "local" and is_local_store(uri))


def actor() -> str:
    for name in ACTOR_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def history_from_tags(tags: dict[str, str]) -> list[Move]:
    """The recorded moves, oldest first (tags `release.0001`, `release.0002`, ...)."""
    keys = sorted(key for key in tags if key.startswith(TAG_PREFIX) and key[8:].isdigit())
    return [Move(**json.loads(tags[key])) for key in keys]


def previous_champion(history: list[Move]) -> str | None:
    """The champion before the current one: moves forward stack the replaced champion, a
    rollback unstacks it, so rolling back twice goes two champions back."""
    replaced: list[str] = []
    for move in history:
        if move.action == "rollback":
            if replaced:
                replaced.pop()
        elif move.from_version is not None:
            replaced.append(move.from_version)
    return replaced[-1] if replaced else None


def client_for(root: Path):
    import mlflow
    from mlflow.tracking import MlflowClient

    from ..models.registry import tracking_uri

    mlflow.set_tracking_uri(tracking_uri(root))
    return MlflowClient()


def alias_version(client, name: str, alias: str) -> str | None:
    from mlflow.exceptions import MlflowException

    try:
        return str(client.get_model_version_by_alias(name, alias).version)
    except MlflowException:
        return None


def history(client, name: str) -> list[Move]:
    from mlflow.exceptions import MlflowException

    try:
        return history_from_tags(client.get_registered_model(name).tags)
    except MlflowException:
        return []


def move_champion(client, name: str, move: Move) -> Move:
    """Point champion at `move.to_version` and record the move (tag and version tags)."""
    recorded = history(client, name)
    client.set_registered_model_alias(name, CHAMPION, move.to_version)
    key = f"{TAG_PREFIX}{len(recorded) + 1:04d}"
    client.set_registered_model_tag(name, key, json.dumps(asdict(move)))
    client.set_model_version_tag(name, move.to_version, "release.champion_since", move.at)
    return move


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def evaluate_versions(root: Path, params: Params, client, versions: list[str]) -> dict:
    """The configured metrics of each version on the current evaluation set."""
    import mlflow.sklearn

    from ..models.analysis import metrics
    from ..paths import EVALUATION_SET
    from ..stages import read_parquet

    frame = read_parquet(root, EVALUATION_SET, "split")
    return {
        version: metrics(
            params,
            mlflow.sklearn.load_model(f"models:/{params.registry.model_name}/{version}"),
            frame,
        )
        for version in versions
    }


def promote(
    root: Path,
    params: Params,
    version: str | None,
    who: str,
    force_reason: str | None = None,
    model_card: Path | None = None,
) -> Move:
    """Move champion to `version` (default: the challenger) if it beats the champion on the
    evaluation set by the configured margin; `force_reason` skips the gate, on the record."""
    from ..models.metrics import direction, is_better
    from ..models.registry import tracking_uri

    name = params.registry.model_name
    client = client_for(root)
    candidate = version or alias_version(client, name, CHALLENGER)
    if candidate is None:
        raise ProjectError(f"'{name}' has no challenger: register a model, or name a version")
    _require_version(client, name, candidate)
    if model_card is None and not is_local_store(tracking_uri(root)):
        raise ProjectError(
            "a shared registry needs --model-card: the filled-in docs/team/templates/model-card.md"
        )
    if model_card is not None and not model_card.is_file():
        raise ProjectError(f"{model_card}: no such file; give the filled-in model card")
    champion = alias_version(client, name, CHAMPION)
    if champion == candidate:
        raise ProjectError(f"v{candidate} is already champion")
    metric = params.evaluate.primary_metric
    if force_reason is not None:
        action, why, evaluation = "force-promote", force_reason, {}
    else:
        evaluation = evaluate_versions(
            root, params, client, [v for v in (candidate, champion) if v]
        )
        new = evaluation[candidate][metric]
        old = evaluation[champion][metric] if champion else None
        margin = params.registry.promotion_margin
        rule = f"{direction(params.task, metric)} is better, margin {margin}"
        summary = f"{metric} {new:.4f} vs champion {'-' if old is None else f'{old:.4f}'} ({rule})"
        if old is not None and not is_better(params.task, metric, new, old, margin):
            raise ProjectError(
                f"v{candidate} does not beat champion v{champion}: {summary}; "
                "improve it, or --force with --reason"
            )
        action, why = "promote", summary
    move = Move(action, champion, candidate, who, now(), why, evaluation)
    if model_card is not None:
        run_id = client.get_model_version(name, candidate).run_id
        client.log_artifact(run_id, str(model_card), artifact_path="release")
    return move_champion(client, name, move)


def rollback(root: Path, params: Params, who: str, reason: str) -> Move:
    """Move champion back to the version it replaced."""
    name = params.registry.model_name
    client = client_for(root)
    current = alias_version(client, name, CHAMPION)
    if current is None:
        raise ProjectError(f"'{name}' has no champion to roll back")
    previous = previous_champion(history(client, name))
    if previous is None:
        raise ProjectError(
            f"no earlier champion is recorded for v{current}: name one with "
            "`release promote VERSION --force --reason ...`"
        )
    move = Move("rollback", current, previous, who, now(), reason)
    return move_champion(client, name, move)


def status(root: Path, params: Params) -> dict:
    """Aliases, the champion's age, and every recorded move."""
    name = params.registry.model_name
    client = client_for(root)
    champion = alias_version(client, name, CHAMPION)
    trained_at = None
    if champion is not None:
        created = client.get_model_version(name, champion).creation_timestamp
        trained_at = datetime.fromtimestamp(created / 1000, UTC).isoformat(timespec="seconds")
    return {
        "model": name,
        "champion": champion,
        "challenger": alias_version(client, name, CHALLENGER),
        "champion_registered_at": trained_at,
        "moves": [asdict(move) for move in history(client, name)],
    }


def _require_version(client, name: str, version: str) -> None:
    from mlflow.exceptions import MlflowException

    try:
        client.get_model_version(name, version)
    except MlflowException:
        raise ProjectError(
            f"'{name}' has no version {version}: `make registry` lists them"
        ) from None
