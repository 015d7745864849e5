"""Moves of the `champion` alias: promote through the quality gate, roll back to the previous
champion, and the state of the aliases with the recorded moves (record.py)."""

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from ..config import Params
from ..errors import ProjectError
from .record import (
    CHALLENGER,
    CHAMPION,
    Move,
    history,
    is_local_store,
    move_champion,
    now,
    previous_champion,
)


def client_for(root: Path):
    from mlflow.tracking import MlflowClient

    from ..models.registry import use_store

    use_store(root)
    return MlflowClient()


def alias_version(client, name: str, alias: str) -> str | None:
    from mlflow.exceptions import MlflowException

    try:
        return str(client.get_model_version_by_alias(name, alias).version)
    except MlflowException:
        return None


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

    if model_card is None and not is_local_store(tracking_uri(root)):
        raise ProjectError(
            "a shared registry needs --model-card: the filled-in docs/team/templates/model-card.md"
        )
    if model_card is not None and not model_card.is_file():
        raise ProjectError(f"{model_card}: no such file; give the filled-in model card")
    name = params.registry.model_name
    client = client_for(root)
    candidate = version or alias_version(client, name, CHALLENGER)
    if candidate is None:
        raise ProjectError(f"'{name}' has no challenger: register a model, or name a version")
    _require_version(client, name, candidate)
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
