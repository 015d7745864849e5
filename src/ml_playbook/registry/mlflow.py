"""The registry on MLflow: the project's local store (`mlflow.db` beside it) or a shared
tracking server (MLFLOW_TRACKING_URI). The only module of the library that imports MLflow —
imported only when a registry is opened, since MLflow takes seconds to import.

Each run is logged with everything needed to trust it (params, metrics, tags naming the git
commit and data versions, the report folders) and its model in skops format, which does not
run code when loaded. Champion's moves are kept as tags of the registered model
(`release.0001`, …), so the registry itself holds the history wherever it runs.
"""

import io
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version as installed_version
from pathlib import Path

from ..errors import first_line
from ..project.paths import MLFLOW_ARTIFACTS, MLFLOW_STORE
from .protocol import Candidate, ModelVersion, Move, RegistryError, Run

# What a logged model needs to be loaded elsewhere: the versions installed (from uv.lock).
# Passing them also spares MLflow inferring requirements in a subprocess (seconds).
MODEL_REQUIREMENTS = ("scikit-learn", "pandas", "numpy", "scipy", "skops")
MOVE_TAG = "release."
CHAMPION_SINCE_TAG = "release.champion_since"
# The first bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"
# MLflow's codes for "no such thing": a missing model, version, alias or run.
NOT_FOUND = {"RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"}


def tracking_uri(root: Path) -> str:
    """MLFLOW_TRACKING_URI if set (a shared server), else the local store under the project."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{root / MLFLOW_STORE}"


def is_local_store(uri: str) -> bool:
    return uri.startswith(("sqlite:///", "file:"))


class MlflowRegistry:
    """The registry of MLflow at `uri` (default: tracking_uri(root))."""

    def __init__(self, root: Path, uri: str | None = None):
        self.root = root
        self.uri = uri or tracking_uri(root)
        self.local = is_local_store(self.uri)

    # -- plumbing ------------------------------------------------------------------------

    def _use(self):
        """MLflow pointed at this registry, for the calls that read the global URI (runs,
        logging, loading); the environment is left as it was, so a second project in the
        same process (a notebook, the tests) is never sent to this one's store."""
        import mlflow

        before = os.environ.get("MLFLOW_TRACKING_URI")
        mlflow.set_tracking_uri(self.uri)
        mlflow.set_registry_uri(self.uri)
        if before is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = before
        return mlflow

    def _client(self):
        self._check_local_store()  # before MLflow reads (or creates) the store
        from mlflow.tracking import MlflowClient

        return MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)

    @contextmanager
    def _reading(self, what: str) -> Iterator[None]:
        """Any failure of the store itself (a corrupt database, a server that does not answer)
        as one line naming the registry, instead of MLflow's or SQLAlchemy's traceback."""
        try:
            yield
        except RegistryError:
            raise
        except Exception as error:
            raise RegistryError(
                f"the registry at {self.uri} cannot be read ({what}: {first_line(error)}): "
                "check MLFLOW_TRACKING_URI, or move a broken local mlflow.db aside"
            ) from None

    def _check_local_store(self) -> None:
        """A local store that is there but is no SQLite database (emptied, overwritten) is said
        to be broken, before MLflow reads it as a new, empty store (it would create its tables
        in an empty file, and every alias would look missing)."""
        if not self.uri.startswith("sqlite:///"):
            return
        path = Path(self.uri.removeprefix("sqlite:///"))
        try:
            with path.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            return  # a new project: MLflow creates the store
        except OSError as error:
            raise RegistryError(
                f"the registry database {path} cannot be read ({error.strerror}): check its "
                "permissions"
            ) from None
        if header != SQLITE_HEADER:
            what = "is empty" if not header else "is not an SQLite database"
            raise RegistryError(
                f"the registry database {path} {what}: restore it from a backup, or move it "
                "aside and run `make pipeline` to start a new registry"
            )

    def revision(self) -> tuple | None:
        """The local store's file stamp (it changes with every write, an alias move among
        them); None for a server, which has no cheap sign of change."""
        if not self.uri.startswith("sqlite:///"):
            return None
        try:
            stat = Path(self.uri.removeprefix("sqlite:///")).stat()
        except OSError:
            return ("missing",)
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def _missing(self, error: BaseException) -> bool:
        return getattr(error, "error_code", None) in NOT_FOUND

    # -- the protocol --------------------------------------------------------------------

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """MLflow's chatter while logging a model (a pip version it cannot find in a uv
        environment, "Created version 3", the uv project it detected) held back: the stage says
        what it did. Its errors still raise."""
        logger = logging.getLogger("mlflow")
        level = logger.level
        logger.setLevel(logging.ERROR)
        try:
            with redirect_stderr(io.StringIO()):
                yield
        finally:
            logger.setLevel(level)

    def register(self, name: str, candidate: Candidate) -> ModelVersion:
        with self._reading("registering a model"), self._quiet():
            mlflow = self._use()
            from mlflow.models import infer_signature

            if self.local and mlflow.get_experiment_by_name(name) is None:
                # Keep artifacts beside the local store, not wherever the command ran.
                location = (self.root / MLFLOW_ARTIFACTS).as_uri()
                mlflow.create_experiment(name, artifact_location=location)
            mlflow.set_experiment(name)
            model, example = candidate.model, candidate.example
            with mlflow.start_run(run_name=candidate.run_name):
                mlflow.log_params(candidate.params)
                mlflow.log_metrics(candidate.metrics)
                mlflow.set_tags(candidate.tags)
                for folder in candidate.artifacts:
                    if folder.is_dir():
                        mlflow.log_artifacts(str(folder), artifact_path=folder.name)
                logged = mlflow.sklearn.log_model(
                    model,
                    name="model",
                    serialization_format="skops",  # a format that does not run code when loaded
                    # Types skops loads only when told: trusted, since the pipeline made them.
                    skops_trusted_types=_types_to_trust(model),
                    # The signature carries the columns and their types. No input_example:
                    # MLflow would load the model back and predict to check it (seconds).
                    signature=(
                        infer_signature(example, model.predict(example))
                        if example is not None
                        else None
                    ),
                    pip_requirements=[f"{d}=={installed_version(d)}" for d in MODEL_REQUIREMENTS],
                    registered_model_name=name,
                )
            return self.version(name, str(logged.registered_model_version))

    def versions(self, name: str) -> list[ModelVersion]:
        with self._reading(f"the versions of '{name}'"):
            client = self._client()
            try:
                # The registered model holds the alias -> version map.
                aliases = client.get_registered_model(name).aliases
            except Exception as error:
                if self._missing(error):
                    return []
                raise
            found = client.search_model_versions(f"name = '{name}'")
            return sorted(
                (self._version(client, v, aliases) for v in found),
                key=lambda v: int(v.version),
                reverse=True,
            )

    def version(self, name: str, version: str) -> ModelVersion:
        with self._reading(f"'{name}' version {version}"):
            client = self._client()
            try:
                found = client.get_model_version(name, str(version))
                aliases = client.get_registered_model(name).aliases
            except Exception as error:
                if self._missing(error):
                    raise RegistryError(
                        f"'{name}' has no version {version} in {self.uri}: `make registry` "
                        "lists them"
                    ) from None
                raise
            return self._version(client, found, aliases)

    def _version(self, client, found, aliases: dict) -> ModelVersion:
        metrics = client.get_run(found.run_id).data.metrics if found.run_id else {}
        return ModelVersion(
            name=found.name,
            version=str(found.version),
            run_id=found.run_id or "",
            created_at=datetime.fromtimestamp(found.creation_timestamp / 1000, UTC),
            aliases=tuple(sorted(a for a, v in aliases.items() if str(v) == str(found.version))),
            metrics=dict(metrics),
        )

    def alias(self, name: str, alias: str) -> str | None:
        with self._reading(f"alias '{alias}' of '{name}'"):
            try:
                return str(self._client().get_model_version_by_alias(name, alias).version)
            except Exception as error:
                if self._missing(error):
                    return None
                raise

    def set_alias(self, name: str, alias: str, version: str) -> None:
        with self._reading(f"moving alias '{alias}' of '{name}'"):
            self._client().set_registered_model_alias(name, alias, str(version))

    def load(self, name: str, version: str) -> object:
        return self.load_uri(f"models:/{name}/{version}")

    def load_uri(self, uri: str) -> object:
        """A model by any MLflow model URI (models:/name/3, models:/name@alias, runs:/id/model)."""
        mlflow = self._use()
        from mlflow.exceptions import MlflowException

        try:
            import mlflow.sklearn

            self._check_local_store()
            return mlflow.sklearn.load_model(uri)
        except RegistryError:
            raise
        except MlflowException as error:
            if first_line(error).startswith("No such artifact"):
                raise RegistryError(
                    f"{uri}: its files are missing from the registry's artifact store "
                    f"({self._artifact_location(uri)}): restore them, or point the alias at a "
                    "version that loads (`release rollback`; `make registry` lists them)"
                ) from None
            raise RegistryError(
                f"cannot load {uri} from {self.uri}: {first_line(error)} (`make registry` "
                "lists the versions and aliases)"
            ) from None
        except (ImportError, AttributeError, TypeError, ModuleNotFoundError) as error:
            raise RegistryError(
                f"{uri} does not load in this environment ({type(error).__name__}: "
                f"{first_line(error)}); docs/process.md question 23 says how to run it in the "
                "environment it was logged with"
            ) from None
        except OSError as error:
            raise RegistryError(
                f"{uri}: its files cannot be read from {self.uri} ({first_line(error)})"
            ) from None
        except Exception as error:
            raise RegistryError(f"cannot load {uri} from {self.uri}: {first_line(error)}") from None

    def _artifact_location(self, uri: str) -> str:
        """Where the files of the model at `uri` (models:/name/version) should be, or the
        registry's address when that cannot be told."""
        name, _, version = uri.removeprefix("models:/").rpartition("/")
        try:
            client = self._client()
            source = client.get_model_version(name, version).source
            if source.startswith("models:/m-"):
                return client.get_logged_model(source.removeprefix("models:/")).artifact_location
            return source
        except Exception:  # only for the message: the load has failed already
            return self.uri

    def moves(self, name: str) -> list[Move]:
        with self._reading(f"the moves of '{name}'"):
            try:
                tags = self._client().get_registered_model(name).tags
            except Exception as error:
                if self._missing(error):
                    return []
                raise
        keys = sorted(key for key in tags if key.startswith(MOVE_TAG) and key[8:].isdigit())
        try:
            return [Move(**json.loads(tags[key])) for key in keys]
        except (ValueError, TypeError) as error:
            raise RegistryError(
                f"'{name}' holds a malformed move record in {self.uri} ({first_line(error)})"
            ) from None

    def record_move(self, name: str, move: Move) -> None:
        count = len(self.moves(name))
        with self._reading(f"recording a move of '{name}'"):
            client = self._client()
            key = f"{MOVE_TAG}{count + 1:04d}"
            client.set_registered_model_tag(name, key, json.dumps(asdict(move)))
            client.set_model_version_tag(name, move.to_version, CHAMPION_SINCE_TAG, move.at)

    def attach(self, name: str, version: str, path: Path, folder: str) -> None:
        run_id = self.version(name, version).run_id
        with self._reading(f"attaching {path.name} to '{name}' v{version}"):
            self._use()
            self._client().log_artifact(run_id, str(path), artifact_path=folder)

    def runs(self, name: str) -> list[Run]:
        with self._reading(f"the runs of '{name}'"):
            client = self._client()
            experiment = client.get_experiment_by_name(name)
            if experiment is None:
                return []
            found, token = [], None
            while True:
                page = client.search_runs(
                    [experiment.experiment_id],
                    order_by=["attributes.start_time ASC"],
                    max_results=1000,
                    page_token=token,
                )
                found += [
                    Run(
                        run.info.run_id,
                        datetime.fromtimestamp(run.info.start_time / 1000, UTC),
                        dict(run.data.params),
                        dict(run.data.metrics),
                        dict(run.data.tags),
                    )
                    for run in page
                ]
                token = page.token
                if not token:
                    return found

    def ui_command(self, port: int) -> list[str]:
        """The command that serves MLflow's UI over this registry."""
        return [
            sys.executable,
            "-m",
            "mlflow",
            "ui",
            "--backend-store-uri",
            self.uri,
            "--port",
            str(port),
        ]


def _types_to_trust(model) -> list[str]:
    import skops.io

    return skops.io.get_untrusted_types(data=skops.io.dumps(model))
