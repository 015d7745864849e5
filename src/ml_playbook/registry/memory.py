"""A registry held in the process: every run, version, alias and move in dictionaries. The
library's tests use it in place of MLflow (milliseconds instead of seconds a registration),
and so can a project's own tests; it proves that the machinery needs nothing but the protocol."""

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from .protocol import Candidate, ModelVersion, Move, RegistryError, Run


class MemoryRegistry:
    """A registry in memory (gone with the process). `local` says how `register`'s
    auto-promotion rule sees it: True like a project's own store, False like a shared server."""

    def __init__(self, local: bool = True, uri: str = "memory://"):
        self.uri, self.local = uri, local
        self._versions: dict[str, list[ModelVersion]] = {}
        self._models: dict[tuple[str, str], object] = {}
        self._aliases: dict[str, dict[str, str]] = {}
        self._moves: dict[str, list[Move]] = {}
        self._runs: dict[str, list[Run]] = {}
        self.attached: dict[tuple[str, str], list[tuple[str, Path]]] = {}
        self._revision = 0

    def register(self, name: str, candidate: Candidate) -> ModelVersion:
        runs = self._runs.setdefault(name, [])
        run = Run(
            run_id=f"run-{name}-{len(runs) + 1}",
            started_at=datetime.now(UTC),
            params=dict(candidate.params),
            metrics=dict(candidate.metrics),
            tags=dict(candidate.tags),
        )
        runs.append(run)
        versions = self._versions.setdefault(name, [])
        version = ModelVersion(
            name, str(len(versions) + 1), run.run_id, run.started_at, (), dict(run.metrics)
        )
        versions.append(version)
        self._models[(name, version.version)] = candidate.model
        return version

    def versions(self, name: str) -> list[ModelVersion]:
        aliases = self._aliases.get(name, {})
        return [
            replace(v, aliases=tuple(sorted(a for a, n in aliases.items() if n == v.version)))
            for v in reversed(self._versions.get(name, []))
        ]

    def version(self, name: str, version: str) -> ModelVersion:
        found = next((v for v in self.versions(name) if v.version == str(version)), None)
        if found is None:
            raise RegistryError(f"'{name}' has no version {version} in {self.uri}")
        return found

    def alias(self, name: str, alias: str) -> str | None:
        return self._aliases.get(name, {}).get(alias)

    def set_alias(self, name: str, alias: str, version: str) -> None:
        self.version(name, version)
        self._aliases.setdefault(name, {})[alias] = str(version)
        self._revision += 1

    def revision(self) -> int:
        """A number that changes whenever an alias moves (see Registry's docstring)."""
        return self._revision

    def load(self, name: str, version: str) -> object:
        self.version(name, version)
        return self._models[(name, str(version))]

    def load_uri(self, uri: str) -> object:
        address = uri.removeprefix("models:/")
        name, at, alias = address.partition("@")
        if at:
            version = self.alias(name, alias)
        else:
            name, _, version = address.rpartition("/")
        if not uri.startswith("models:/") or not name or not version:
            raise RegistryError(
                f"{uri}: {self.uri} knows models:/NAME/VERSION and models:/NAME@ALIAS"
            )
        return self.load(name, version)

    def moves(self, name: str) -> list[Move]:
        return list(self._moves.get(name, []))

    def record_move(self, name: str, move: Move) -> None:
        self._moves.setdefault(name, []).append(move)

    def attach(self, name: str, version: str, path: Path, folder: str) -> None:
        self.version(name, version)
        self.attached.setdefault((name, str(version)), []).append((folder, Path(path)))

    def runs(self, name: str) -> list[Run]:
        return list(self._runs.get(name, []))
