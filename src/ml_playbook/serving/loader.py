"""The served model: resolved in the registry (an alias or a pinned version), loaded in full,
then swapped in with one assignment, so a request sees the old model or the new one, never a
half-loaded one. A poller reloads when the alias moves."""

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from ..errors import ProjectError
from ..registry.moves import version_number

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedModel:
    name: str
    version: str
    alias: str | None
    model: Any
    # Each categorical feature's values the model knows (read once, when it is loaded).
    categories: dict[str, list[str]] = field(default_factory=dict)
    # The decision threshold `evaluate` chose for this version (its recorded
    # operating_point.threshold); None for regression or a version recorded without one.
    threshold: float | None = None


def resolve(registry, name: str, alias: str | None, version: str | None) -> str:
    """The version to serve: `version` if pinned, else the one `alias` points at."""
    if version is not None:
        resolved = version_number(str(version))
        found = resolved in {known.version for known in registry.versions(name)}
    else:
        resolved = registry.alias(name, alias)
        found = resolved is not None
    if not found:
        wanted = f"version {version}" if version is not None else f"alias '{alias}'"
        raise ProjectError(
            f"model '{name}' has no {wanted} in {registry.uri}: run `make pipeline`, "
            "or check `make registry`"
        )
    return resolved


def load(registry, name: str, alias: str | None, version: str) -> LoadedModel:
    from ..modeling.categories import known_categories

    model = registry.load(name, version)
    categories = known_categories(model)  # not per request: every request is checked against them
    threshold = registry.version(name, version).metrics.get("operating_point.threshold")
    return LoadedModel(
        name=name,
        version=version,
        alias=alias,
        model=model,
        categories=categories,
        threshold=None if threshold is None else float(threshold),
    )


class ModelSlot:
    """Holds the served model. Readers take `current` once per request and use only that."""

    def __init__(self, loaded: LoadedModel):
        self.current = loaded

    def swap(self, loaded: LoadedModel) -> None:
        self.current = loaded  # one reference assignment: atomic for every reader


class AliasPoller:
    """Looks up the alias every `interval` seconds and swaps in the version it points at."""

    def __init__(self, registry, slot: ModelSlot, interval: float):
        self.registry, self.slot, self.interval = registry, slot, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="alias-poller", daemon=True)

    def start(self) -> None:
        if self.interval > 0 and self.slot.current.alias is not None:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def check_once(self) -> bool:
        """Reload if the alias moved; True when a new version was swapped in."""
        served = self.slot.current
        version = resolve(self.registry, served.name, served.alias, None)
        if version == served.version:
            return False
        self.slot.swap(load(self.registry, served.name, served.alias, version))
        log.warning("alias '%s' moved: now serving %s v%s", served.alias, served.name, version)
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check_once()
            except Exception as error:  # keep serving the loaded model; say why once per poll
                log.error("could not reload '%s': %s", self.slot.current.alias, error)
