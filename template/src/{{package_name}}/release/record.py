"""The record of `champion`'s moves: who moved it, when, from and to which version, and why,
kept as tags of the registered model so the registry itself holds the history wherever it
runs. `register` uses this module too (auto-promotion), so it imports nothing heavy."""

import getpass
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

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
