"""Champion's moves, on any registry: who moved it, when, from and to which version, and why.
The registry keeps the record (registry.moves); these functions read it and add to it."""

import getpass
import os
from datetime import UTC, date, datetime, time

from ..errors import ProjectError
from .protocol import CHAMPION, Move, Registry

# CI systems name who started a job in these variables; a person at a terminal is the user.
ACTOR_VARIABLES = ("GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_REQUESTEDFOR", "USER")


def actor() -> str:
    for name in ACTOR_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def version_number(text: str) -> str:
    """A version as a person writes it (`3`, `v3`, `V03`) as the registry numbers it (`3`);
    anything else is returned as it is, for the registry to refuse by name."""
    stripped = text.strip().removeprefix("v").removeprefix("V")
    return str(int(stripped)) if stripped.isdigit() else text


def move_champion(registry: Registry, name: str, move: Move) -> Move:
    """Point champion at `move.to_version` and add the move to the registry's record."""
    registry.set_alias(name, CHAMPION, move.to_version)
    registry.record_move(name, move)
    return move


def auto_promote_allowed(rule: str, local: bool) -> bool:
    """May `register` move champion by itself? ("local": only on the project's own store.)"""
    return rule == "always" or (rule == "local" and local)


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


def parse_moment(text: str, end_of_day: bool = True) -> datetime:
    """A date (the end of that day, or its start; UTC) or an ISO date-time (UTC unless it
    says otherwise)."""
    try:
        if len(text) == 10:
            moment = time.max if end_of_day else time.min
            return datetime.combine(date.fromisoformat(text), moment, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ProjectError(
            f"'{text}' is not a date: write YYYY-MM-DD or an ISO date-time (2025-01-31T12:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def champion_on(history: list[Move], moment: datetime) -> str | None:
    """The version champion pointed at, at `moment`: the target of the last recorded move
    made at or before it; None before the first move."""
    version = None
    for move in sorted(history, key=lambda move: parse_moment(move.at)):
        if parse_moment(move.at) <= moment:
            version = move.to_version
    return version
