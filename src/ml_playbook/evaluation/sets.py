"""The test sets every model is judged on, declared in params.yaml `test_sets` (name, where its
rows come from, what to slice by, its owner; `ml_playbook.project.params.EvalSet`).

The first set is the primary one: its metrics sit at the top of reports/metrics.json and decide
champion vs challenger. `evaluate`, `register` and every `eval` command run on all of them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import ProjectError
from ..project.params import EvalSet

__all__ = [
    "SetScores",
    "logged_metrics",
    "metrics_document",
    "read_set",
    "score_set",
    "score_sets",
    "select",
]


def select(sets: Sequence[EvalSet], names: Sequence[str] | None) -> list[EvalSet]:
    """The sets called `names` (all when none are given); an unknown name is an error."""
    if not names:
        return list(sets)
    known = {spec.name: spec for spec in sets}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ProjectError(
            f"no test set named {', '.join(unknown)}: params.yaml test_sets has {', '.join(known)}"
        )
    return [known[name] for name in names]


def read_set(project, spec: EvalSet):
    """The set's rows; a missing file says what makes it (`validate` has checked a hand-made
    set against the features already)."""
    from ..stage import read_parquet, read_table

    if spec.model is not None:
        return read_parquet(project.root, spec.path, "split")
    path = project.root / spec.path
    if not path.is_file():
        raise ProjectError(
            f"test set '{spec.name}': {spec.path} not found; fix `file` in params.yaml test_sets"
        )
    frame = read_table(path)
    if frame.empty:
        raise ProjectError(f"test set '{spec.name}': {spec.path} has no rows; give it some")
    return frame


@dataclass
class SetScores:
    """A model's scores on one test set, beside the rows and labels they were made for."""

    spec: EvalSet
    frame: object  # the set's rows (pandas DataFrame)
    label: object  # pandas Series
    scores: object  # numpy array: probabilities (classification) or values (regression)
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.frame)


def score_set(project, model, spec: EvalSet) -> SetScores:
    """The model's scores and every metric of the project's task defined on one test set."""
    from ..modeling import inputs
    from ..modeling.metrics import defined_metrics, model_scores

    params = project.params
    frame = read_set(project, spec)
    unknown = [
        name
        for name in spec.slices
        if name not in frame.columns and name not in project.extensions.slices
    ]
    if unknown:
        raise ProjectError(
            f"test set '{spec.name}' has no column {', '.join(unknown)} to slice by, and extend.py "
            "registers no slice of that name: fix its `slices` in params.yaml test_sets"
        )
    where = f"test set '{spec.name}'"
    train = params.train
    label = inputs.label(frame, train.label, where, params.task)
    features = inputs.features(frame, train.numeric_features, train.categorical_features, where)
    scores = model_scores(model, features, params.task)
    metrics = defined_metrics(project.metrics, label, scores, params.evaluate.threshold)
    return SetScores(spec, frame, label, scores, metrics)


def measured_again(project, result: SetScores) -> SetScores:
    """`result`'s scores measured with `project`'s metrics and threshold, without predicting
    again (after the operating point moved the threshold)."""
    from ..modeling.metrics import defined_metrics

    metrics = defined_metrics(
        project.metrics, result.label, result.scores, project.params.evaluate.threshold
    )
    return SetScores(result.spec, result.frame, result.label, result.scores, metrics)


def score_sets(project, model, names: Sequence[str] | None = None) -> list[SetScores]:
    """The model on the test sets called `names` (default: every one, the primary first)."""
    return [score_set(project, model, spec) for spec in select(project.params.test_sets, names)]


def metrics_document(
    results: Sequence[SetScores], baseline=None, operating_point=None, gates=None
) -> dict:
    """reports/metrics.json: the primary set's metrics at the top (what the registry gate and
    `dvc metrics diff` read), every set under `sets`, — given `(description, results)` — the
    baseline's on the same sets under `baseline`, the chosen threshold with its figures under
    `operating_point`, and the slice and inclusion gates' verdicts (gate_verdicts.summary)
    under `gates`."""
    primary = results[0]
    document = {
        "rows": primary.rows,
        **primary.metrics,
        "sets": {result.spec.name: {"rows": result.rows, **result.metrics} for result in results},
    }
    if baseline is not None:
        description, scored = baseline
        document["baseline"] = {
            "model": description,
            "sets": {result.spec.name: result.metrics for result in scored},
        }
    if operating_point is not None:
        document["operating_point"] = operating_point.as_dict()
    if gates is not None:
        document["gates"] = gates
    return document


def logged_metrics(document: dict) -> dict[str, float]:
    """The metrics a run logs to the registry from reports/metrics.json: the primary set's under
    their own names, each set's as `<set>.<metric>` (and `<set>.rows`), the baseline's as
    `baseline.<set>.<metric>`, the operating point's as `operating_point.threshold` (and its
    precision, recall and flagged_share), the gates' counts as `gates.failed` (and passed,
    not_judged)."""
    flat = {
        name: value
        for name, value in document.items()
        if name not in {"rows", "sets"} and isinstance(value, int | float)
    }
    for set_name, values in document.get("sets", {}).items():
        flat.update({f"{set_name}.{name}": value for name, value in values.items()})
    for set_name, values in document.get("baseline", {}).get("sets", {}).items():
        flat.update({f"baseline.{set_name}.{name}": value for name, value in values.items()})
    gates = document.get("gates", {})
    flat.update(
        {
            f"gates.{name}": gates[name]
            for name in ("passed", "failed", "not_judged")
            if name in gates
        }
    )
    point = document.get("operating_point", {})
    flat.update(
        {f"operating_point.{name}": value for name, value in point.items() if name != "policy"}
    )
    return flat
