"""Which model a command means: a model file, or a version in the MLflow registry named any way
a person would name it.

    models/model.joblib           a file the pipeline wrote (any path to a joblib file)
    champion, challenger          the version an alias points at now
    champion@2025-01-31           the version that was champion at the end of that day (UTC),
                                  read from the registry's record of champion moves
    v3, 3                         version 3 of the project's registered model
    models:/name/3, runs:/id/model, models:/name@alias
                                  any MLflow model URI

A registry version is loaded in this environment; its logged requirements say what it was
trained with (docs/process.md, question 23, says what to do when they no longer install).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from ..errors import ProjectError

DATED = "@"  # alias@date: the version the alias pointed at on that date


@dataclass(frozen=True)
class Reference:
    """A resolved model reference: what the user typed, and what it points at."""

    text: str
    uri: str | None = None  # an MLflow model URI; None for a file
    path: Path | None = None

    @property
    def label(self) -> str:
        return (
            self.text if self.uri is None or self.uri == self.text else f"{self.text} ({self.uri})"
        )


@dataclass(frozen=True)
class LoadedReference:
    reference: Reference
    model: object


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


def champion_on(moves, moment: datetime) -> str | None:
    """The version champion pointed at, at `moment`, from the recorded moves (release/record.py):
    the target of the last move made at or before it; None before the first move."""
    version = None
    for move in sorted(moves, key=lambda move: parse_moment(move.at)):
        if parse_moment(move.at) <= moment:
            version = move.to_version
    return version


def resolve(root: Path, model_name: str, text: str, client=None) -> Reference:
    """The model `text` names (see the module docstring); `client` is an MlflowClient, made
    only when a dated alias needs the registry's record."""
    text = text.strip()
    if not text:
        raise ProjectError("an empty model reference: give a file, an alias or a version")
    if text.startswith(("models:/", "runs:/")):
        return Reference(text, uri=text)
    for candidate in (root / text, Path(text)):
        if candidate.is_file():
            return Reference(text, path=candidate.resolve())
    if "/" in text or Path(text).suffix in {".joblib", ".pkl", ".skops"}:
        raise ProjectError(
            f"{text}: no such model file; train one (`make pipeline`) or name a registry "
            "version (champion, v3, champion@YYYY-MM-DD)"
        )
    if text.removeprefix("v").isdigit():
        return Reference(text, uri=f"models:/{model_name}/{int(text.removeprefix('v'))}")
    alias, dated, when = text.partition(DATED)
    if not alias.replace("-", "_").isidentifier():
        raise ProjectError(
            f"'{text}' is not a model file, a version (v3), an alias (champion) or "
            "champion@YYYY-MM-DD"
        )
    if not dated:
        return Reference(text, uri=f"models:/{model_name}@{alias}")
    if alias != "champion":
        raise ProjectError(
            f"'{text}': only champion's moves are recorded, so only champion@DATE resolves"
        )
    return Reference(
        text, uri=f"models:/{model_name}/{_champion_version(root, model_name, when, client)}"
    )


def _champion_version(root: Path, model_name: str, when: str, client) -> str:
    from ..release.record import history_from_tags

    moment = parse_moment(when)
    client = client or registry_client(root)
    try:
        moves = history_from_tags(client.get_registered_model(model_name).tags)
    except Exception as error:  # MLflow is imported only here, so tests can pass a fake client
        from mlflow.exceptions import MlflowException

        if not isinstance(error, MlflowException):
            raise
        moves = []  # no such registered model: no move recorded
    version = champion_on(moves, moment)
    if version is None:
        first = min((move.at for move in moves), default=None)
        since = f"the first recorded move is {first}" if first else "no move is recorded yet"
        raise ProjectError(
            f"'{model_name}' had no champion on {when}: {since} in the registry's record of "
            "champion moves (`make registry` shows the aliases now)"
        )
    return version


def registry_client(root: Path):
    from mlflow.tracking import MlflowClient

    from ..models.registry import use_store

    use_store(root)
    return MlflowClient()


def load(root: Path, model_name: str, text: str, client=None) -> LoadedReference:
    """The model `text` names, loaded; a reference the registry does not know is an error."""
    reference = resolve(root, model_name, text, client)
    if reference.path is not None:
        from ..stages import load_model

        return LoadedReference(reference, load_model(root, reference.path))
    import mlflow.sklearn
    from mlflow.exceptions import MlflowException

    from ..models.registry import tracking_uri, use_store

    use_store(root)
    try:
        model = mlflow.sklearn.load_model(reference.uri)
    except MlflowException as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ProjectError(
            f"cannot load {reference.label} from {tracking_uri(root)}: {first_line} "
            "(`make registry` lists the versions and aliases)"
        ) from None
    except (ImportError, AttributeError, TypeError) as error:
        raise ProjectError(
            f"{reference.label} does not load in this environment ({error.__class__.__name__}: "
            f"{error}); see docs/process.md question 23 for running it in its logged environment"
        ) from None
    return LoadedReference(reference, model)
