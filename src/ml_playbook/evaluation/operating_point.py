"""The decision threshold, chosen on purpose: a score becomes a yes (call this customer) only
above it, so it decides who is acted on. `evaluate` chooses it on the primary test set by the
policy of params.yaml `evaluate.operating_point` — a capacity (flag the top share, the most
likely first), a cost ratio (a missed positive costs N false alarms: least total cost), or a
floor on precision or on recall — and keeps it with the model; without a policy the threshold
is the fixed `evaluate.threshold`. Every figure here is computed at the threshold it reports."""

from dataclasses import asdict, dataclass

import numpy as np

from ..errors import ProjectError


@dataclass(frozen=True)
class OperatingPoint:
    policy: str  # in words: "top_share 0.1 (flag the 10% most likely)"
    threshold: float
    precision: float
    recall: float
    flagged_share: float  # of the rows: how many the threshold says yes to

    def as_dict(self) -> dict:
        return asdict(self)


def choose(settings, label, scores, fixed: float, where: str = "the evaluation set"):
    """The operating point of `settings` (None: the fixed threshold) on these rows."""
    label, scores = np.asarray(label, dtype=int), np.asarray(scores, dtype=float)
    if len(scores) == 0 or label.sum() == 0:
        raise ProjectError(f"{where}: no positive rows to choose a threshold on")
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], label[order]
    # Cutting after the last row of each group of equal scores: threshold = that score.
    cuts = np.r_[np.flatnonzero(np.diff(ranked) != 0), len(ranked) - 1]
    true_positives = np.cumsum(hits)[cuts]
    flagged = cuts + 1
    precision, recall = true_positives / flagged, true_positives / label.sum()
    if settings is None:
        return at(f"fixed {fixed:g} (evaluate.threshold)", fixed, label, scores)
    if settings.top_share is not None:
        rows = max(1, round(settings.top_share * len(scores)))
        policy = f"top_share {settings.top_share:g} (flag the {settings.top_share:.0%} most likely)"
        return at(policy, float(ranked[rows - 1]), label, scores)
    if settings.cost_ratio is not None:
        misses, false_alarms = label.sum() - true_positives, flagged - true_positives
        best = int(np.argmin(settings.cost_ratio * misses + false_alarms))
        policy = f"cost_ratio {settings.cost_ratio:g} (a miss costs {settings.cost_ratio:g} false alarms)"
        return at(policy, float(ranked[cuts[best]]), label, scores)
    if settings.min_precision is not None:
        reaching = np.flatnonzero(precision >= settings.min_precision)
        if reaching.size == 0:
            raise ProjectError(
                f"{where}: no threshold reaches precision {settings.min_precision:g} "
                f"(evaluate.operating_point.min_precision; the best is {precision.max():.3f})"
            )
        chosen = reaching[-1]  # the lowest such threshold: the most recall
        policy = f"min_precision {settings.min_precision:g} (the most recall at that precision)"
        return at(policy, float(ranked[cuts[chosen]]), label, scores)
    reaching = np.flatnonzero(recall >= settings.min_recall)  # never empty: recall reaches 1
    chosen = reaching[np.argmax(precision[reaching])]  # precision is not monotone in threshold
    policy = f"min_recall {settings.min_recall:g} (the most precision at that recall)"
    return at(policy, float(ranked[cuts[chosen]]), label, scores)


def at(policy: str, threshold: float, label, scores) -> OperatingPoint:
    """The figures of `threshold` on these rows."""
    flagged = scores >= threshold
    hits = int((flagged & (label == 1)).sum())
    return OperatingPoint(
        policy,
        round(float(threshold), 6),
        round(hits / int(flagged.sum()), 6) if flagged.any() else 0.0,
        round(hits / int(label.sum()), 6),
        round(float(flagged.mean()), 6),
    )


def for_project(project, primary):
    """The operating point of a classification project on its primary set's scores (a
    SetScores), and the project with `evaluate.threshold` set to it; (None, project) for
    regression, where there is no threshold to choose."""
    from ..modeling.metrics import CLASSIFICATION

    evaluate = project.params.evaluate
    if project.params.task != CLASSIFICATION:
        return None, project
    point = choose(
        evaluate.operating_point,
        primary.label,
        primary.scores,
        evaluate.threshold,
        f"test set '{primary.spec.name}'",
    )
    chosen = evaluate.model_copy(update={"threshold": point.threshold})
    return point, project.with_params(evaluate=chosen)


def decision_threshold(project) -> float:
    """The threshold the pipeline chose (reports/metrics.json `operating_point`, written by
    `evaluate`), else params.yaml `evaluate.threshold`: what a yes/no means in this project."""
    import json

    from ..project.paths import METRICS

    try:
        chosen = json.loads((project.root / METRICS).read_text(encoding="utf-8"))
        threshold = float(chosen["operating_point"]["threshold"])
    except (OSError, ValueError, KeyError, TypeError):  # not evaluated yet, or an older file
        return project.params.evaluate.threshold
    return threshold if 0 < threshold < 1 else project.params.evaluate.threshold
