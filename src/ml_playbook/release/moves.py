"""Moves of the `champion` alias after `register`: promote through the quality gate, roll back
to the champion it replaced, and the state of the aliases with every recorded move. The
registry keeps the record (`Registry.moves`), wherever it runs."""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, replace
from pathlib import Path

from ..errors import ProjectError
from ..modeling.metrics import direction, is_better
from ..project.paths import EVALUATION_SET
from ..registry import CHALLENGER, CHAMPION, Move, open_registry
from ..registry.moves import move_champion, now, previous_champion, version_number
from . import launch


def evaluate(project, models: Mapping[str, object], frame) -> dict[str, dict[str, float]]:
    """The project's metrics of each model (version -> model) on `frame`, which holds the
    label; a metric undefined on these rows is left out, the primary one is required."""
    from ..modeling import inputs
    from ..modeling.metrics import defined_metrics, model_scores

    params, where = project.params, EVALUATION_SET.as_posix()
    train = params.train
    features = inputs.features(frame, train.numeric_features, train.categorical_features, where)
    label = inputs.label(frame, train.label, where, params.task)
    evaluation = {}
    for version, model in models.items():
        scores = model_scores(model, features, params.task)
        values = defined_metrics(project.metrics, label, scores, params.evaluate.threshold)
        if params.evaluate.primary_metric not in values:
            raise ProjectError(
                f"{where}: {params.evaluate.primary_metric} is not defined on its rows for "
                f"v{version}, so the gate cannot compare; check the set (`dvc repro split`)"
            )
        evaluation[version] = values
    return evaluation


def evaluate_versions(project, registry, versions: Iterable[str]) -> dict[str, dict[str, float]]:
    """The project's metrics of each registered version on the current evaluation set."""
    from ..stage import read_parquet

    frame = read_parquet(project.root, EVALUATION_SET, "split")
    name = project.params.registry.model_name
    return evaluate(project, {version: registry.load(name, version) for version in versions}, frame)


def promote(
    project,
    version: str | None,
    who: str,
    force_reason: str | None = None,
    model_card: Path | None = None,
    registry=None,
) -> Move:
    """Move champion to `version` (default: the challenger) if it beats the champion on the
    evaluation set by the configured margin; `force_reason` skips the gate, on the record."""
    registry = registry if registry is not None else open_registry(project)
    if model_card is None and not registry.local:
        raise ProjectError(
            "a shared registry needs --model-card: the filled-in docs/team/templates/model-card.md"
        )
    if model_card is not None and not model_card.is_file():
        raise ProjectError(f"{model_card}: no such file; give the filled-in model card")
    params = project.params
    name = params.registry.model_name
    candidate = version_number(version) if version else registry.alias(name, CHALLENGER)
    if candidate is None:
        raise ProjectError(f"'{name}' has no challenger: register a model, or name a version")
    candidate = registry.version(name, candidate).version  # its own error if there is none
    champion = registry.alias(name, CHAMPION)
    if champion == candidate:
        raise ProjectError(f"v{candidate} is already champion")
    if force_reason is not None:
        move = Move("force-promote", champion, candidate, who, now(), force_reason, {})
    else:
        evaluation = evaluate_versions(project, registry, [v for v in (candidate, champion) if v])
        move = Move("promote", champion, candidate, who, now(), "", evaluation)
        move = _through_the_gate(project, move)
        missed = launch.shortfalls(project, registry.version(name, candidate).metrics)
        if missed:
            raise ProjectError(
                f"v{candidate} is below the launch criteria: {'; '.join(missed)}; improve it, "
                "or --force with --reason"
            )
    if model_card is not None:
        registry.attach(name, candidate, model_card, "release")
    return move_champion(registry, name, move)


def _through_the_gate(project, move: Move) -> Move:
    """`move` with its reason, if its version beats the champion it replaces; else an error."""
    metric, margin = (
        project.params.evaluate.primary_metric,
        project.params.registry.promotion_margin,
    )
    new = move.evaluation[move.to_version][metric]
    old = move.evaluation[move.from_version][metric] if move.from_version else None
    rule = f"{direction(project.primary_metric)} is better, margin {margin}"
    summary = f"{metric} {new:.4f} vs champion {'-' if old is None else f'{old:.4f}'} ({rule})"
    if old is not None and not is_better(project.primary_metric, new, old, margin):
        raise ProjectError(
            f"v{move.to_version} does not beat champion v{move.from_version}: {summary}; "
            "improve it, or --force with --reason"
        )
    return replace(move, why=summary)


def rollback(project, who: str, reason: str, registry=None) -> Move:
    """Move champion back to the version it replaced."""
    registry = registry if registry is not None else open_registry(project)
    name = project.params.registry.model_name
    current = registry.alias(name, CHAMPION)
    if current is None:
        raise ProjectError(f"'{name}' has no champion to roll back")
    previous = previous_champion(registry.moves(name))
    if previous is None:
        raise ProjectError(
            f"no earlier champion is recorded for v{current}: name one with "
            "`release promote VERSION --force --reason ...`"
        )
    return move_champion(registry, name, Move("rollback", current, previous, who, now(), reason))


def status(project, registry=None) -> dict:
    """The aliases, when the champion was registered, and every recorded move. A challenger
    that is champion already (the first model, a promoted one) is no challenger: None."""
    registry = registry if registry is not None else open_registry(project)
    name = project.params.registry.model_name
    champion, challenger = registry.alias(name, CHAMPION), registry.alias(name, CHALLENGER)
    registered_at = None
    if champion is not None:
        registered_at = registry.version(name, champion).created_at.isoformat(timespec="seconds")
    return {
        "model": name,
        "champion": champion,
        "challenger": None if challenger == champion else challenger,
        "champion_registered_at": registered_at,
        "moves": [asdict(move) for move in registry.moves(name)],
    }
