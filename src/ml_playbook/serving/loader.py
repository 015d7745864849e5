"""The served model: resolved in the registry (an alias or a pinned version), loaded in full,
then swapped in with one assignment, so a request sees the old model or the new one, never a
half-loaded one.

The service listens before anything is loaded: `Follower` loads the model in a thread, then
follows the alias. Every second it asks the registry for a cheap sign of change (its
`revision`: the local store's file stamp) and looks the alias up only when it changed, or every
`poll_seconds` on a registry without one; the outcome of each look-up (a new version loaded, or
why not) is kept in the slot, for /ready and /metrics to tell.
"""

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..errors import ProjectError, first_line
from ..registry import training_ranges
from ..registry.moves import version_number

log = logging.getLogger(__name__)

# How often the registry's cheap sign of change is read (a stat of the local store).
CHANGE_CHECK_SECONDS = 1.0


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
    # feature -> (smallest, largest) value of the training set, as registered with the version.
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Lookup:
    """The outcome of the last look-up of the alias: when, the version it pointed at, and the
    error that kept it from being served (None: it is served)."""

    at: float  # time.time()
    version: str | None
    error: str | None

    def as_dict(self, now: float) -> dict[str, Any]:
        return {
            "at": datetime.fromtimestamp(self.at, UTC).isoformat(timespec="seconds"),
            "age_seconds": round(max(now - self.at, 0.0), 3),
            "ok": self.error is None,
            "points_at": self.version,
            "error": self.error,
        }


class ModelSlot:
    """Holds the served model (None while the first one loads). Readers take `current` once
    per request and use only that."""

    def __init__(self, loaded: LoadedModel | None = None):
        self.current = loaded
        self.started = time.monotonic()
        self.ready_after: float | None = 0.0 if loaded is not None else None
        self.failure: str | None = None  # why the first model could not be loaded
        self.lookup: Lookup | None = None
        self.reload_failures = 0
        self.settled = threading.Event()  # set once the first load is over, either way
        if loaded is not None:
            self.settled.set()

    def swap(self, loaded: LoadedModel) -> None:
        self.current = loaded  # one reference assignment: atomic for every reader
        if self.ready_after is None:
            self.ready_after = time.monotonic() - self.started
        self.failure = None
        self.settled.set()

    @property
    def state(self) -> str:
        """loading, ready, stale (serving, but the alias points at a version that cannot be
        served, or the registry cannot be read) or failed (nothing loaded: see `failure`)."""
        if self.current is None:
            return "failed" if self.failure else "loading"
        return "stale" if self.lookup is not None and self.lookup.error else "ready"


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
    metrics = registry.version(name, version).metrics
    threshold = metrics.get("operating_point.threshold")
    return LoadedModel(
        name=name,
        version=version,
        alias=alias,
        model=model,
        categories=categories,
        threshold=None if threshold is None else float(threshold),
        ranges=training_ranges(metrics),
    )


def one_line(error: BaseException) -> str:
    """A load failure as the one line an operator reads: the library's own messages as they
    are, anything else by its first line and type."""
    if isinstance(error, ProjectError):
        return str(error).splitlines()[0]
    return f"{type(error).__name__}: {first_line(error)}"


class Follower:
    """Loads the model the service starts on, then follows the alias (if not pinned)."""

    def __init__(
        self,
        registry,
        slot: ModelSlot,
        name: str,
        alias: str | None,
        version: str | None,
        poll_seconds: float,
        on_ready=None,
        on_failure=None,
    ):
        """`on_ready(slot)`: called once the first model is served; `on_failure(message)`:
        called once if it cannot be loaded."""
        self.registry, self.slot, self.name = registry, slot, name
        self.alias, self.version, self.poll_seconds = alias, version, poll_seconds
        self.on_ready, self.on_failure = on_ready, on_failure
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="model-loader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)  # a load under way is abandoned (a daemon thread)

    def load_first(self) -> bool:
        try:
            version = resolve(self.registry, self.name, self.alias, self.version)
            self.slot.swap(load(self.registry, self.name, self.alias, version))
        except Exception as error:  # said once, in one line; the caller decides what follows
            self.slot.failure = one_line(error)
            self.slot.settled.set()
            if self.on_failure is not None:
                self.on_failure(self.slot.failure)
            else:
                log.error("cannot serve: %s", self.slot.failure)
            return False
        self.slot.lookup = Lookup(time.time(), version, None)
        if self.on_ready is not None and not self._stop.is_set():  # not while stopping
            self.on_ready(self.slot)
        return True

    def check_once(self) -> bool:
        """Look the alias up; load and swap in the version it points at if it moved. True
        when a new version was swapped in; the outcome is kept in `slot.lookup` either way."""
        served = self.slot.current
        version = None
        try:
            version = resolve(self.registry, self.name, self.alias, None)
            if served is not None and version == served.version:
                self.slot.lookup = Lookup(time.time(), version, None)
                return False
            self.slot.swap(load(self.registry, self.name, self.alias, version))
        except Exception as error:  # keep serving the loaded model; say why, once per change
            message = one_line(error)
            before = self.slot.lookup
            if before is None or before.error != message:
                log.error("could not reload '%s': %s", self.alias, message)
            self.slot.reload_failures += 1
            self.slot.lookup = Lookup(time.time(), version, message)
            return False
        self.slot.lookup = Lookup(time.time(), version, None)
        log.warning("alias '%s' moved: now serving %s v%s", self.alias, self.name, version)
        return True

    def _revision(self):
        revision = getattr(self.registry, "revision", None)
        try:
            return revision() if revision is not None else None
        except OSError:
            return None

    def _run(self) -> None:
        if not self.load_first():
            return
        if self.version is not None or self.alias is None or self.poll_seconds <= 0:
            return  # pinned: nothing to follow
        step = min(CHANGE_CHECK_SECONDS, self.poll_seconds)
        seen, looked_up = self._revision(), time.monotonic()
        while not self._stop.wait(step):
            now = self._revision()
            due = time.monotonic() - looked_up >= self.poll_seconds
            # A failed look-up is tried again at every poll, not at every second.
            if (now is not None and now != seen) or due:
                seen, looked_up = now, time.monotonic()
                self.check_once()
